import { useState } from 'preact/hooks';
import type { BulkSyncProgress } from '../../../src/contracts/workflow-messages';
import { api } from '../api';
import { usePoll } from '../hooks';
import { formatDuration, formatTime, useT } from '../i18n';

interface Run {
  runId: string;
  workflowId: string;
  status: string;
  historyMonths: number;
  startedAt: string;
  finishedAt: string | null;
}

function RunProgress(props: { run: Run; onChange: () => void }) {
  const { t } = useT();
  const { data: p, error, reload } = usePoll(() => api<BulkSyncProgress>('GET', `/admin/bulk-sync/${props.run.runId}`), 2000, [props.run.runId]);
  const [busy, setBusy] = useState(false);
  const act = async (action: 'pause' | 'resume' | 'cancel') => {
    setBusy(true);
    try {
      await api('POST', `/admin/bulk-sync/${props.run.runId}/${action}`);
    } finally {
      setBusy(false);
      reload();
      props.onChange();
    }
  };
  const share = p?.total ? Math.min(1, p.processed / p.total) : 0;
  return (
    <article class="card" data-testid="bulk-progress" data-phase={p?.phase ?? ''} data-paused={String(p?.paused ?? false)}>
      <header>
        <strong>
          {t('run')} {props.run.runId}
        </strong>
        <span class="tag">{p?.phase ?? '…'}</span>
        {p?.paused && <span class="tag warn">{t('paused')}{p.pauseReason ? ` (${p.pauseReason})` : ''}</span>}
        {p?.pausing && !p.paused && <span class="tag warn">{t('pausing')}</span>}
      </header>
      <div class="bar" role="progressbar" aria-valuenow={Math.round(share * 100)} aria-valuemin={0} aria-valuemax={100}>
        <div style={{ width: `${share * 100}%` }} />
      </div>
      <p>
        {p ? `${p.processed} / ${p.total ?? '?'}` : ''} · {t('rate', { n: p ? p.perSecond.toFixed(1) : '–' })} · {t('eta', { t: formatDuration(p?.etaSeconds) })}
        {p && p.failed > 0 && <span class="warn"> · {p.failed} ✗</span>}
      </p>
      {error && <p class="error">{t('error', { message: error })}</p>}
      {!p?.done && (
        <div class="row">
          {p?.paused || p?.pausing ? (
            <button disabled={busy} onClick={() => act('resume')} data-testid="bulk-resume">
              {t('resume')}
            </button>
          ) : (
            <button disabled={busy} onClick={() => act('pause')} data-testid="bulk-pause">
              {t('pause')}
            </button>
          )}
          <button class="danger" disabled={busy} onClick={() => act('cancel')} data-testid="bulk-cancel">
            {t('stop')}
          </button>
        </div>
      )}
    </article>
  );
}

export function BulkSyncPage() {
  const { t, lang } = useT();
  const [months, setMonths] = useState(12);
  const [error, setError] = useState<string>();
  const runs = usePoll(() => api<{ runs: Run[] }>('GET', '/admin/bulk-sync'), 5000);
  const start = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      await api('POST', '/admin/bulk-sync', { historyMonths: months });
    } catch (err) {
      setError((err as Error).message);
    }
    runs.reload();
  };
  const running = runs.data?.runs.filter((r) => r.status === 'running') ?? [];
  return (
    <section>
      <form class="row" onSubmit={start}>
        <label>
          {t('historyMonths')}{' '}
          <input type="number" min={0} max={120} value={months} onInput={(e) => setMonths(Number(e.currentTarget.value))} data-testid="history-months" />
        </label>
        <button class="primary" type="submit" disabled={running.length > 0} data-testid="bulk-start">
          {t('start')}
        </button>
      </form>
      {error && <p class="error">{t('error', { message: error })}</p>}
      {running.map((r) => (
        <RunProgress key={r.runId} run={r} onChange={runs.reload} />
      ))}
      <h2>{t('pastRuns')}</h2>
      <div class="scroll">
        <table data-testid="bulk-runs">
          <thead>
            <tr>
              <th>{t('run')}</th>
              <th>{t('status')}</th>
              <th>{t('historyMonths')}</th>
              <th>{t('started')}</th>
              <th>{t('finished')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.data?.runs.map((r) => (
              <tr key={r.runId}>
                <td>{r.runId}</td>
                <td>{r.status}</td>
                <td class="num">{r.historyMonths}</td>
                <td>{formatTime(r.startedAt, lang)}</td>
                <td>{formatTime(r.finishedAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
