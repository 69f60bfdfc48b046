import { useState } from 'preact/hooks';
import { api } from '../api';
import { usePoll } from '../hooks';
import { formatTime, useT } from '../i18n';
import { temporalLink } from './Overview';

interface Partner {
  customerId: string;
  twentyPersonId: string | null;
  chatwootContactId: string | null;
  syncStatus: string;
  lastSyncedAt: string | null;
  lastError: string | null;
  warnings: string[];
  history: Record<string, { total: number; synced: number }>;
  openDeadLetters: number;
}

export function PartnersPage() {
  const { t, lang } = useT();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Partner[]>();
  const [note, setNote] = useState<string>();
  const overview = usePoll(() => api<{ temporal: { uiUrl: string; namespace: string } | null }>('GET', '/admin/overview'), 0);
  const search = async (e?: Event) => {
    e?.preventDefault();
    if (!q.trim()) return;
    setResults((await api<{ partners: Partner[] }>('GET', `/admin/partners?q=${encodeURIComponent(q.trim())}`)).partners);
  };
  const resync = async (id: string) => {
    await api('POST', `/admin/partners/${encodeURIComponent(id)}/resync`);
    setNote(`${id}: ${t('resyncStarted')}`);
  };
  return (
    <section>
      <form class="row" onSubmit={search}>
        <input placeholder={t('searchPartner')} value={q} onInput={(e) => setQ(e.currentTarget.value)} data-testid="partner-search" />
        <button class="primary" type="submit">
          {t('search')}
        </button>
      </form>
      {note && <p class="ok">{note}</p>}
      {results?.length === 0 && <p class="muted">{t('noResults')}</p>}
      <div class="cards">
        {results?.map((p) => {
          const href = temporalLink(overview.data?.temporal ?? null, `KgcCustomerId = "${p.customerId}"`);
          return (
            <article class="card" key={p.customerId} data-testid="partner">
              <header>
                <strong>{p.customerId}</strong> <span class={p.syncStatus === 'synced' ? 'tag ok' : 'tag warn'}>{p.syncStatus}</span>
              </header>
              <dl>
                <dt>Twenty</dt>
                <dd>{p.twentyPersonId ?? '–'}</dd>
                <dt>Chatwoot</dt>
                <dd>{p.chatwootContactId ?? '–'}</dd>
                <dt>{t('lastSynced')}</dt>
                <dd>{formatTime(p.lastSyncedAt, lang)}</dd>
                <dt>{t('lastError')}</dt>
                <dd>{p.lastError ?? '–'}</dd>
                <dt>{t('warnings')}</dt>
                <dd>{p.warnings.length ? p.warnings.join(', ') : '–'}</dd>
                <dt>{t('history')}</dt>
                <dd>
                  {Object.entries(p.history)
                    .map(([k, v]) => `${k}: ${v.synced}/${v.total}`)
                    .join(', ') || '–'}
                </dd>
                <dt>{t('deadLetters')}</dt>
                <dd>{p.openDeadLetters}</dd>
              </dl>
              <div class="row">
                <button onClick={() => resync(p.customerId)}>{t('resync')}</button>
                {href && (
                  <a href={href} target="_blank" rel="noreferrer">
                    {t('runsInTemporal')}
                  </a>
                )}
              </div>
            </article>
          );
        })}
      </div>
    </section>
  );
}
