import { useState } from 'preact/hooks';
import { api } from '../api';
import { usePoll } from '../hooks';
import { formatTime, useT } from '../i18n';

interface Erasure {
  customerHash: string;
  customerId: string | null;
  reason: string;
  status: 'in_progress' | 'complete' | 'incomplete';
  requestedAt: string;
  completedAt: string | null;
  systems: Array<{ system: string; status: string; code?: string }>;
}

export function ErasuresPage() {
  const { t, lang } = useT();
  const list = usePoll(() => api<{ erasures: Erasure[] }>('GET', '/admin/erasures'), 5000);
  const [error, setError] = useState<string>();
  const retry = async (customerId: string) => {
    setError(undefined);
    try {
      await api('POST', `/admin/erasures/${encodeURIComponent(customerId)}/retry`);
    } catch (err) {
      setError((err as Error).message);
    }
    list.reload();
  };
  return (
    <section>
      {error && <p class="error">{t('error', { message: error })}</p>}
      <div class="scroll">
        <table data-testid="erasures">
          <thead>
            <tr>
              <th>{t('certificate')}</th>
              <th>{t('reason')}</th>
              <th>{t('status')}</th>
              <th>{t('system')}</th>
              <th>{t('requested')}</th>
              <th>{t('completed')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data?.erasures.map((e) => (
              <tr key={e.customerHash}>
                <td title={e.customerHash}>{e.customerHash.slice(0, 12)}…</td>
                <td>{e.reason}</td>
                <td>
                  <span class={e.status === 'complete' ? 'tag ok' : 'tag warn'}>{e.status}</span>
                </td>
                <td>{e.systems.map((s) => `${s.system}: ${s.status}${s.code ? ` (${s.code})` : ''}`).join(', ')}</td>
                <td>{formatTime(e.requestedAt, lang)}</td>
                <td>{formatTime(e.completedAt, lang)}</td>
                <td>{e.status !== 'complete' && e.customerId && <button onClick={() => retry(e.customerId!)}>{t('retry')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
