import { useState } from 'preact/hooks';
import { api, ApiFailure, type Session } from './api';
import { formatTime, useT } from './i18n';

export interface Suggestion {
  id: string;
  conversationId: number;
  customerId: string | null;
  intent: string | null;
  confidence: number | null;
  suggestedReply: string | null;
  accountData: boolean;
  createdAt: string;
  expiresAt: string | null;
  messages: Array<{ id: number; content: string; receivedAt: string; answers: boolean }>;
}

export interface Decision {
  id: string;
  conversationId: number;
  decision: string;
  decidedBy: string;
  decidedAt: string;
  reason: string | null;
  intent: string | null;
  edited: boolean;
  text: string | null;
  chatwootMessageId: number | null;
}

export function SignIn(props: { onSignedIn: (s: Session) => void }) {
  const { t } = useT();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [adminKey, setAdminKey] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const body = adminKey ? { adminKey } : { name, password };
      props.onSignedIn(await api<Session>('POST', '/session', body));
    } catch (err) {
      setError(err instanceof ApiFailure && err.status === 401 ? t('wrongCredentials') : (err as Error).message);
    }
  };
  return (
    <form class="card signin" onSubmit={submit} data-testid="sign-in">
      <h1>{t('title')}</h1>
      <label>
        {t('name')}
        <input name="name" autocomplete="username" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {t('password')}
        <input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      </label>
      <details>
        <summary>{t('orAdminKey')}</summary>
        <label>
          {t('adminKey')}
          <input name="adminKey" type="password" value={adminKey} onInput={(e) => setAdminKey(e.currentTarget.value)} />
        </label>
      </details>
      {error && <p class="error">{error}</p>}
      <button type="submit" class="primary">
        {t('signIn')}
      </button>
    </form>
  );
}

type Outcome = { kind: 'sent'; messageId: number } | { kind: 'rejected' };

/** One pending suggestion: the customer's recent messages and Koko's reply, to approve as is, edited, or reject. */
export function SuggestionCard(props: { s: Suggestion; onDeciding?: (s: Suggestion) => void; onDecided?: () => void; compact?: boolean }) {
  const { t, lang } = useT();
  const { s } = props;
  const [text, setText] = useState(s.suggestedReply ?? '');
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const [error, setError] = useState<string>();
  const edited = text.trim() !== (s.suggestedReply ?? '').trim();

  const act = async (call: () => Promise<Outcome>) => {
    props.onDeciding?.(s);
    setBusy(true);
    setError(undefined);
    try {
      setOutcome(await call());
      props.onDecided?.();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const approve = () =>
    act(async () => {
      const r = await api<{ messageId: number }>('POST', `/koko/suggestions/${s.id}/approve`, edited ? { reply: text.trim() } : {});
      return { kind: 'sent', messageId: r.messageId };
    });
  const reject = () =>
    act(async () => {
      await api('POST', `/koko/suggestions/${s.id}/reject`, reason.trim() ? { reason: reason.trim() } : {});
      return { kind: 'rejected' };
    });

  return (
    <article class="card suggestion" data-testid="suggestion" data-suggestion-id={s.id} data-conversation-id={s.conversationId}>
      <header>
        <strong>{t('conversation', { id: s.conversationId })}</strong>
        {s.customerId && <span class="tag">{s.customerId}</span>}
        <span class="tag">
          {t('intent')}: {s.intent ?? '–'}
        </span>
        <span class="tag">
          {t('confidence')}: {s.confidence === null ? '–' : `${Math.round(s.confidence * 100)}%`}
        </span>
        {s.accountData && <span class="tag warn">{t('accountData')}</span>}
        <time>{formatTime(s.createdAt, lang)}</time>
      </header>
      {!props.compact || s.messages.length > 0 ? (
        <ol class="messages">
          {s.messages.map((m) => (
            <li key={m.id} class={m.answers ? 'answers' : ''}>
              <time>{formatTime(m.receivedAt, lang)}</time> {m.content}
            </li>
          ))}
        </ol>
      ) : null}
      {outcome ? (
        <p class="ok" data-testid="outcome">
          {outcome.kind === 'sent' ? t('sent', { id: outcome.messageId }) : t('rejected')}
        </p>
      ) : (
        <>
          <label>
            {t('suggestedReply')}
            <textarea rows={4} value={text} onInput={(e) => setText(e.currentTarget.value)} data-testid="reply" />
          </label>
          {rejecting ? (
            <div class="row">
              <input placeholder={t('reason')} value={reason} onInput={(e) => setReason(e.currentTarget.value)} data-testid="reason" />
              <button class="danger" disabled={busy} onClick={reject} data-testid="confirm-reject">
                {t('confirmReject')}
              </button>
              <button disabled={busy} onClick={() => setRejecting(false)}>
                {t('cancel')}
              </button>
            </div>
          ) : (
            <div class="row">
              <button class="primary" disabled={busy || !text.trim()} onClick={approve} data-testid="approve">
                {edited ? t('editApprove') : t('approve')}
              </button>
              <button class="danger" disabled={busy} onClick={() => setRejecting(true)} data-testid="reject">
                {t('reject')}
              </button>
            </div>
          )}
        </>
      )}
      {error && <p class="error">{t('error', { message: error })}</p>}
    </article>
  );
}

export function DecisionList(props: { decisions: Decision[]; showConversation?: boolean }) {
  const { t, lang } = useT();
  return (
    <div class="scroll">
      <table data-testid="decisions">
        <thead>
          <tr>
            <th>{t('when')}</th>
            {props.showConversation && <th>#</th>}
            <th>{t('who')}</th>
            <th>{t('status')}</th>
            <th>{t('what')}</th>
          </tr>
        </thead>
        <tbody>
          {props.decisions.map((d) => (
            <tr key={d.id}>
              <td>{formatTime(d.decidedAt, lang)}</td>
              {props.showConversation && <td>{d.conversationId}</td>}
              <td>{d.decidedBy}</td>
              <td>
                {t(`decision_${d.decision}` as Parameters<typeof t>[0])}
                {d.edited && ` (${t('edited')})`}
              </td>
              <td>
                {d.text ?? d.reason ?? ''}
                {d.chatwootMessageId !== null && <span class="muted"> · #{d.chatwootMessageId}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Hourly bars over the last 24 hours, stacked by series; inline SVG, no chart library. */
export function HourlyChart(props: { title: string; rows: Array<{ hour: string; series: string; n: number }>; colors: Record<string, string>; testid: string }) {
  const now = Date.now();
  const hours = Array.from({ length: 24 }, (_, i) => new Date(Math.floor(now / 3_600_000) * 3_600_000 - (23 - i) * 3_600_000).toISOString().slice(0, 13));
  const series = Object.keys(props.colors);
  const totals = hours.map((h) => props.rows.filter((r) => r.hour.startsWith(h)).reduce((a, r) => a + r.n, 0));
  const max = Math.max(1, ...totals);
  const w = 10;
  return (
    <figure class="chart" data-testid={props.testid}>
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${hours.length * w} 60`} preserveAspectRatio="none" role="img" aria-label={props.title}>
        {hours.map((h, i) => {
          let y = 60;
          return series.map((s) => {
            const n = props.rows.filter((r) => r.hour.startsWith(h) && r.series === s).reduce((a, r) => a + r.n, 0);
            const height = (n / max) * 56;
            y -= height;
            return n > 0 ? (
              <rect key={`${h}-${s}`} x={i * w + 1} y={y} width={w - 2} height={height} fill={props.colors[s]}>
                <title>{`${h}:00 ${s}: ${n}`}</title>
              </rect>
            ) : null;
          });
        })}
      </svg>
      <div class="legend">
        {series.map((s) => (
          <span key={s}>
            <i style={{ background: props.colors[s] }} /> {s}: {props.rows.filter((r) => r.series === s).reduce((a, r) => a + r.n, 0)}
          </span>
        ))}
      </div>
    </figure>
  );
}

/**
 * Pending suggestions newest first, plus the ones this admin is deciding or just decided: those stay on screen with
 * their outcome although the next poll no longer lists them as pending.
 */
export function usePendingWithDecided(pending: Suggestion[] | undefined): { shown: Suggestion[]; deciding: (s: Suggestion) => void } {
  const [kept, setKept] = useState<Suggestion[]>([]);
  const list = pending ?? [];
  const shown = [...list, ...kept.filter((k) => !list.some((p) => p.id === k.id))].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { shown, deciding: (s) => setKept((k) => (k.some((x) => x.id === s.id) ? k : [...k, s])) };
}
