import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { DecisionList, SuggestionCard, usePendingWithDecided, type Decision, type Suggestion } from './components';
import { usePoll } from './hooks';
import { formatTime, useT } from './i18n';
import { Shell } from './shell';

/**
 * Chatwoot's dashboard app frame (DashboardApp/Frame.vue) posts `JSON.stringify({event: 'appContext', data:
 * {conversation, contact, currentAgent}})` on load and whenever we ask with 'chatwoot-dashboard-app:fetch-info'.
 * Only our parent's messages count: the page may be framed by Chatwoot's origin alone (frame-ancestors).
 */
interface AppContext {
  conversation?: { id?: number; meta?: { sender?: { id?: number } } };
  contact?: { id?: number };
}

function useChatwootContext(): AppContext | undefined {
  const [context, setContext] = useState<AppContext>();
  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      if (e.source !== window.parent || typeof e.data !== 'string') return;
      try {
        const message = JSON.parse(e.data) as { event?: string; data?: AppContext };
        if (message.event === 'appContext' && message.data) setContext(message.data);
      } catch {
        // Not Chatwoot's message: other scripts of the parent may post too.
      }
    };
    addEventListener('message', onMessage);
    window.parent.postMessage('chatwoot-dashboard-app:fetch-info', '*');
    return () => removeEventListener('message', onMessage);
  }, []);
  return context;
}

interface ConversationView {
  conversationId: number;
  customer: { customerId: string; syncStatus: string | null; lastSyncedAt?: string | null; lastError?: string | null; warnings?: string[] } | null;
  pending: Suggestion[];
  decided: Decision[];
}

function Conversation(props: { conversationId: number; contactId?: number }) {
  const { t, lang } = useT();
  const query = props.contactId ? `?contactId=${props.contactId}` : '';
  const { data, error, reload } = usePoll(() => api<ConversationView>('GET', `/koko/conversations/${props.conversationId}${query}`), 3000, [props.conversationId]);
  const { shown, deciding } = usePendingWithDecided(data?.pending);
  if (error) return <p class="error">{t('error', { message: error })}</p>;
  if (!data) return <p>{t('loading')}</p>;
  const c = data.customer;
  return (
    <div data-testid="dashboard-app" data-conversation-id={data.conversationId}>
      <section class="card">
        <header>
          <strong>{t('customer')}</strong>
        </header>
        {c ? (
          <p data-testid="dashboard-customer">
            {c.customerId} <span class={c.syncStatus === 'synced' ? 'tag ok' : 'tag warn'}>{c.syncStatus ?? '–'}</span>
            <br />
            <small class="muted">
              {t('lastSynced')}: {formatTime(c.lastSyncedAt, lang)}
              {c.lastError ? ` · ${t('lastError')}: ${c.lastError}` : ''}
            </small>
          </p>
        ) : (
          <p class="muted">{t('noCustomer')}</p>
        )}
      </section>
      {shown.length === 0 && <p class="muted">{t('noPending')}</p>}
      {shown.map((s) => (
        <SuggestionCard key={s.id} s={s} onDeciding={deciding} onDecided={reload} compact />
      ))}
      <h3>{t('lastDecisions')}</h3>
      <DecisionList decisions={data.decided} />
    </div>
  );
}

function DashboardApp() {
  const context = useChatwootContext();
  return (
    <Shell>
      {({ session, lang, switchLang }) => {
        const conversationId = context?.conversation?.id;
        const contactId = context?.contact?.id ?? context?.conversation?.meta?.sender?.id;
        return (
          <main class="embedded">
            <p class="muted small">
              {session.admin} ·{' '}
              <button class="link" onClick={switchLang}>
                {lang === 'hu' ? 'English' : 'Magyar'}
              </button>
            </p>
            {conversationId ? <Conversation conversationId={conversationId} contactId={contactId} /> : <Waiting />}
          </main>
        );
      }}
    </Shell>
  );
}

function Waiting() {
  const { t } = useT();
  return <p class="muted">{t('waitingForChatwoot')}</p>;
}

render(<DashboardApp />, document.getElementById('app')!);
