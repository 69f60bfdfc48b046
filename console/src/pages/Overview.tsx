import { useState } from 'preact/hooks';
import { api } from '../api';
import { HourlyChart } from '../components';
import { usePoll } from '../hooks';
import { formatTime, useT } from '../i18n';

interface Overview {
  modules: Array<{ module: 'crm' | 'support'; enabled: boolean; updatedAt: string; updatedBy: string | null }>;
  webhooksPerHour: Array<{ hour: string; outcome: string; source: string; n: number }>;
  syncFailuresPerHour: Array<{ hour: string; system: string; n: number }>;
  lastErrors: Array<{ system: string; action: string; detail: string | null; at: string }>;
  running: Array<{ type: string; running: number | null }>;
  temporal: { uiUrl: string; namespace: string } | null;
}
type Ready = Record<string, unknown> & { modules: Record<string, Record<string, unknown>> };

export const temporalLink = (temporal: Overview['temporal'], query: string) =>
  temporal ? `${temporal.uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows?query=${encodeURIComponent(query)}` : undefined;

export function OverviewPage() {
  const { t, lang } = useT();
  const overview = usePoll(() => api<Overview>('GET', '/admin/overview'), 10_000);
  const ready = usePoll(() => fetch('/ready').then((r) => r.json() as Promise<Ready>), 10_000);
  // The switch shows the admin's choice at once; the server's state replaces it once reloaded.
  const [switching, setSwitching] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string>();
  const o = overview.data;

  const toggle = async (module: string, enabled: boolean) => {
    setSwitching({ [module]: enabled });
    setError(undefined);
    try {
      await api('PUT', `/admin/modules/${module}`, { enabled });
    } catch (err) {
      setError((err as Error).message);
    }
    await Promise.all([overview.reload(), ready.reload()]);
    setSwitching({});
  };

  const checks: Array<[string, unknown]> = ready.data
    ? [
        ['temporal', ready.data.temporal],
        ['database', ready.data.database],
        ...Object.entries(ready.data.modules).flatMap(([, m]) => Object.entries(m).filter(([k]) => k !== 'enabled' && k !== 'setup' && k !== 'problems')),
      ]
    : [];
  const systemOf: Record<string, string> = { twenty: 'twenty', chatwoot: 'chatwoot', smtp: 'smtp' };

  return (
    <section>
      {(overview.error ?? error) && <p class="error">{t('error', { message: (overview.error ?? error)! })}</p>}
      <h2>{t('modules')}</h2>
      <div class="cards">
        {o?.modules.map((m) => (
          <label class="card switch" key={m.module}>
            <input type="checkbox" checked={switching[m.module] ?? m.enabled} disabled={m.module in switching} onChange={(e) => toggle(m.module, e.currentTarget.checked)} data-testid={`module-${m.module}`} />
            <span>
              <strong>{t(`module_${m.module}`)}</strong> <span class={m.enabled ? 'tag ok' : 'tag'}>{m.enabled ? t('on') : t('off')}</span>
              <br />
              <small class="muted">
                {m.updatedBy ?? ''} · {formatTime(m.updatedAt, lang)}
              </small>
            </span>
          </label>
        ))}
      </div>
      <h2>{t('health')}</h2>
      <div class="scroll">
        <table data-testid="health">
          <thead>
            <tr>
              <th>{t('system')}</th>
              <th>{t('status')}</th>
              <th>{t('lastError')}</th>
            </tr>
          </thead>
          <tbody>
            {checks.map(([name, state]) => {
              const last = o?.lastErrors.find((e) => e.system === systemOf[name]);
              return (
                <tr key={name}>
                  <td>{name}</td>
                  <td>
                    <span class={state === 'ok' ? 'tag ok' : state === 'not configured' ? 'tag' : 'tag warn'}>{String(state)}</span>
                  </td>
                  <td>{last ? `${last.action}: ${last.detail ?? ''} (${formatTime(last.at, lang)})` : '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {o && (
        <div class="charts">
          <HourlyChart
            testid="chart-webhooks"
            title={t('webhooks24h')}
            rows={o.webhooksPerHour.map((r) => ({ hour: r.hour, series: `${r.source} ${r.outcome}`, n: r.n }))}
            colors={{ 'kgc accepted': '#2f7d32', 'kgc skipped': '#9e9e9e', 'chatwoot accepted': '#1565c0', 'chatwoot ignored': '#90caf9' }}
          />
          <HourlyChart
            testid="chart-failures"
            title={t('failures24h')}
            rows={o.syncFailuresPerHour.map((r) => ({ hour: r.hour, series: r.system, n: r.n }))}
            colors={{ kgc: '#c62828', twenty: '#ef6c00', chatwoot: '#6a1b9a', smtp: '#795548', intake: '#455a64', admin: '#000' }}
          />
        </div>
      )}
      <h2>{t('running')}</h2>
      <div class="scroll">
        <table data-testid="running">
          <tbody>
            {o?.running.map((r) => {
              const href = temporalLink(o.temporal, `WorkflowType="${r.type}" AND ExecutionStatus="Running"`);
              return (
                <tr key={r.type}>
                  <td>{r.type}</td>
                  <td class="num">{r.running ?? '?'}</td>
                  <td>{href && <a href={href} target="_blank" rel="noreferrer">{t('openInTemporal')}</a>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
