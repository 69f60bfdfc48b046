import { useState } from 'preact/hooks';
import { api } from '../api';
import { usePoll } from '../hooks';
import { formatTime, useT } from '../i18n';

interface DeadLetter {
  id: number;
  runId: string;
  system: string;
  recordKind: string;
  kgcId: string;
  customerId: string | null;
  reason: string;
  status: 'open' | 'redriven';
  createdAt: string;
  redrivenAt: string | null;
}

export function DeadLettersPage() {
  const { t, lang } = useT();
  const [runId, setRunId] = useState('');
  const [system, setSystem] = useState('');
  const [status, setStatus] = useState('open');
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [error, setError] = useState<string>();
  const query = new URLSearchParams({ ...(runId && { runId }), ...(system && { system }), ...(status && { status }) }).toString();
  const list = usePoll(() => api<{ deadLetters: DeadLetter[] }>('GET', `/admin/dead-letters?${query}`), 5000, [query]);

  const redrive = async (ids: number[]) => {
    setError(undefined);
    try {
      for (const id of ids) await api('POST', `/admin/dead-letters/${id}/redrive`);
      setSelected(new Set());
    } catch (err) {
      setError((err as Error).message);
    }
    list.reload();
  };
  const toggle = (id: number, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };

  return (
    <section>
      <div class="row">
        <input placeholder={t('run')} value={runId} onInput={(e) => setRunId(e.currentTarget.value)} />
        <select value={system} onChange={(e) => setSystem(e.currentTarget.value)} data-testid="dl-system">
          <option value="">{t('system')}: {t('all')}</option>
          <option value="kgc">kgc</option>
          <option value="twenty">twenty</option>
          <option value="chatwoot">chatwoot</option>
        </select>
        <select value={status} onChange={(e) => setStatus(e.currentTarget.value)} data-testid="dl-status">
          <option value="">{t('status')}: {t('all')}</option>
          <option value="open">open</option>
          <option value="redriven">redriven</option>
        </select>
        <button class="primary" disabled={selected.size === 0} onClick={() => redrive([...selected])} data-testid="dl-redrive-selected">
          {t('redriveSelected', { n: selected.size })}
        </button>
      </div>
      {error && <p class="error">{t('error', { message: error })}</p>}
      <div class="scroll">
        <table data-testid="dead-letters">
          <thead>
            <tr>
              <th />
              <th>{t('run')}</th>
              <th>{t('system')}</th>
              <th>{t('record')}</th>
              <th>{t('reason')}</th>
              <th>{t('status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data?.deadLetters.map((d) => (
              <tr key={d.id} data-testid="dead-letter" data-id={d.id} data-status={d.status}>
                <td>{d.status === 'open' && <input type="checkbox" checked={selected.has(d.id)} onChange={(e) => toggle(d.id, e.currentTarget.checked)} />}</td>
                <td>{d.runId}</td>
                <td>{d.system}</td>
                <td>
                  {d.recordKind} {d.kgcId}
                </td>
                <td>{d.reason}</td>
                <td>
                  {d.status} <small class="muted">{formatTime(d.redrivenAt ?? d.createdAt, lang)}</small>
                </td>
                <td>{d.status === 'open' && <button onClick={() => redrive([d.id])}>{t('redrive')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
