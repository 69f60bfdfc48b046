import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { NewProductProgress } from '../../../src/contracts/workflow-messages';
import { api } from '../api';
import { usePoll } from '../hooks';
import { formatTime, useT, type T } from '../i18n';

const campaigns = ['rental-expiry', 'repair-done', 'vip-welcome', 'upsell', 'win-back', 'new-product'] as const;
type Campaign = (typeof campaigns)[number];

interface Switch {
  campaign: Campaign;
  enabled: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}
interface Preview {
  subject: string;
  html: string;
  text: string;
  exampleData: boolean;
  unsubscribe: { note: string } | null;
}
interface Run {
  runId: string;
  category: string;
  startedAt: string;
  status: string;
  report: NewProductProgress | null;
}

const names = {
  'rental-expiry': 'campaign_rental_expiry',
  'repair-done': 'campaign_repair_done',
  'vip-welcome': 'campaign_vip_welcome',
  upsell: 'campaign_upsell',
  'win-back': 'campaign_win_back',
  'new-product': 'campaign_new_product',
} as const;
const campaignName = (t: T, c: Campaign) => t(names[c]);

function Switches() {
  const { t, lang } = useT();
  const switches = usePoll(() => api<{ switches: Switch[] }>('GET', '/admin/campaigns/switches'), 10_000);
  // The switch shows the admin's choice at once; the server's state replaces it once reloaded.
  const [switching, setSwitching] = useState<Partial<Record<Campaign, boolean>>>({});
  const [error, setError] = useState<string>();
  const toggle = async (campaign: Campaign, enabled: boolean) => {
    setSwitching({ [campaign]: enabled });
    setError(undefined);
    try {
      await api('PUT', `/admin/campaigns/${campaign}`, { enabled });
    } catch (err) {
      setError((err as Error).message);
    }
    await switches.reload();
    setSwitching({});
  };
  return (
    <>
      {(switches.error ?? error) && <p class="error">{t('error', { message: (switches.error ?? error)! })}</p>}
      <div class="cards">
        {switches.data?.switches.map((s) => (
          <label class="card switch" key={s.campaign}>
            <input type="checkbox" checked={switching[s.campaign] ?? s.enabled} disabled={s.campaign in switching} onChange={(e) => toggle(s.campaign, e.currentTarget.checked)} data-testid={`campaign-${s.campaign}`} />
            <span>
              <strong>{campaignName(t, s.campaign)}</strong> <span class={s.enabled ? 'tag ok' : 'tag'}>{s.enabled ? t('on') : t('off')}</span>
              <br />
              <small class="muted">{s.updatedBy ? `${s.updatedBy} · ${formatTime(s.updatedAt, lang)}` : t('neverSwitched')}</small>
            </span>
          </label>
        ))}
      </div>
    </>
  );
}

function PreviewForm() {
  const { t } = useT();
  const [campaign, setCampaign] = useState<Campaign>('vip-welcome');
  const [customerId, setCustomerId] = useState('');
  const [preview, setPreview] = useState<Preview>();
  const [error, setError] = useState<string>();
  const show = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setPreview(undefined);
    try {
      setPreview(await api<Preview>('GET', `/admin/campaigns/${campaign}/preview?customerId=${encodeURIComponent(customerId.trim())}`));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <>
      <form class="row" onSubmit={show}>
        <select value={campaign} onChange={(e) => setCampaign(e.currentTarget.value as Campaign)} data-testid="preview-kind">
          {campaigns.map((c) => (
            <option key={c} value={c}>
              {campaignName(t, c)}
            </option>
          ))}
        </select>
        <input placeholder={t('customer')} value={customerId} onInput={(e) => setCustomerId(e.currentTarget.value)} required data-testid="preview-customer" />
        <button class="primary" type="submit" data-testid="preview-show">
          {t('showPreview')}
        </button>
      </form>
      {error && <p class="error">{t('error', { message: error })}</p>}
      {preview && (
        <article class="card" data-testid="preview">
          <header>
            <strong data-testid="preview-subject">{preview.subject}</strong>
            {preview.exampleData && <span class="tag warn">{t('exampleData')}</span>}
            {preview.unsubscribe && <span class="tag">{t('exampleUnsubscribe')}</span>}
          </header>
          {/* An empty sandbox: the email's HTML may not run scripts, submit forms or reach the console. */}
          <iframe class="email" sandbox="" srcdoc={preview.html} title={preview.subject} data-testid="preview-html" />
          <pre class="email-text" data-testid="preview-text">
            {preview.text}
          </pre>
        </article>
      )}
    </>
  );
}

/** The counts of a new-product run: its progress while it sends, its report once it ended. */
function Counts(props: { p: NewProductProgress }) {
  const { t } = useT();
  const { p } = props;
  const rows: Array<[string, number, string]> = [
    ['sent', p.sent, t('np_sent')],
    ['skipped_no_consent', p.skipped_no_consent, t('np_no_consent')],
    ['capped', p.capped, t('np_capped')],
    ['unsubscribed', p.unsubscribed, t('np_unsubscribed')],
    ['rejected', p.rejected, t('np_rejected')],
    ['skipped_other', p.skipped_other, t('np_other')],
  ];
  return (
    <dl data-testid="np-counts">
      {rows.map(([key, n, label]) => (
        <Fragment key={key}>
          <dt>{label}</dt>
          <dd class="num" data-count={key}>
            {n}
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}

function RunProgress(props: { runId: string; onChange: () => void }) {
  const { t } = useT();
  const { data: p, error, reload } = usePoll(() => api<NewProductProgress>('GET', `/admin/campaigns/new-product/${props.runId}`), 1000, [props.runId]);
  const [busy, setBusy] = useState(false);
  const act = async (action: 'pause' | 'resume' | 'cancel') => {
    setBusy(true);
    try {
      await api('POST', `/admin/campaigns/new-product/${props.runId}/${action}`);
    } finally {
      setBusy(false);
      await reload();
      props.onChange();
    }
  };
  const ended = p?.phase === 'done' || p?.phase === 'cancelled';
  const listed = p?.listed ?? 0;
  const remaining = Math.max(0, listed - (p?.processed ?? 0));
  const share = p ? (ended ? 1 : listed ? p.processed / listed : 0) : 0;
  const minutes = p?.startedAt ? (Date.now() - Date.parse(p.startedAt)) / 60_000 : 0;
  return (
    <article class="card" data-testid="np-progress" data-run-id={props.runId} data-phase={p?.phase ?? ''}>
      <header>
        <strong>
          {t('run')} {props.runId}
        </strong>
        <span>{p?.category}</span>
        <span class={p?.phase === 'paused' ? 'tag warn' : ended ? 'tag ok' : 'tag'}>{p ? t(`np_phase_${p.phase}`) : '…'}</span>
      </header>
      <div class="bar" role="progressbar" aria-valuenow={Math.round(share * 100)} aria-valuemin={0} aria-valuemax={100}>
        <div style={{ width: `${share * 100}%` }} />
      </div>
      {p && (
        <p>
          {t('np_processed', { n: p.processed })} ·{' '}
          <span data-testid="np-remaining">{ended ? t('np_remaining', { n: 0 }) : p.moreToList ? t('np_remaining_more', { n: remaining }) : t('np_remaining', { n: remaining })}</span> ·{' '}
          {t('np_rate', { n: minutes > 0 && p.phase === 'sending' ? (p.processed / minutes).toFixed(1) : '–', max: p.emailsPerMinute ?? '?' })}
        </p>
      )}
      {p && <Counts p={p} />}
      {ended && <p class="ok">{t('np_final')}</p>}
      {error && <p class="error">{t('error', { message: error })}</p>}
      {p && !ended && (
        <div class="row">
          {p.phase === 'paused' ? (
            <button disabled={busy} onClick={() => act('resume')} data-testid="np-resume">
              {t('resume')}
            </button>
          ) : (
            <button disabled={busy} onClick={() => act('pause')} data-testid="np-pause">
              {t('pause')}
            </button>
          )}
          <button class="danger" disabled={busy} onClick={() => act('cancel')} data-testid="np-cancel">
            {t('stop')}
          </button>
        </div>
      )}
    </article>
  );
}

function NewProduct() {
  const { t, lang } = useT();
  const [category, setCategory] = useState('');
  const [since, setSince] = useState('');
  const [error, setError] = useState<string>();
  // Runs this page started stay shown until the admin leaves, so their report is read where they were watched.
  const [watched, setWatched] = useState<string[]>([]);
  const runs = usePoll(() => api<{ runs: Run[] }>('GET', '/admin/campaigns/new-product'), 5000);
  const start = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const started = await api<{ runId: string }>('POST', '/admin/campaigns/new-product', { category, ...(since ? { since } : {}) });
      setWatched((w) => [started.runId, ...w]);
    } catch (err) {
      setError((err as Error).message);
    }
    await runs.reload();
  };
  const shown = [...watched, ...(runs.data?.runs.filter((r) => r.status === 'running' && !watched.includes(r.runId)).map((r) => r.runId) ?? [])];
  return (
    <>
      <form class="row" onSubmit={start}>
        <label>
          {t('np_category')} <input value={category} onInput={(e) => setCategory(e.currentTarget.value)} required maxLength={100} data-testid="np-category" />
        </label>
        <label>
          {t('np_since')} <input type="date" value={since} onInput={(e) => setSince(e.currentTarget.value)} data-testid="np-since" />
        </label>
        <button class="primary" type="submit" data-testid="np-start">
          {t('start')}
        </button>
      </form>
      <p class="muted small">{t('np_audience')}</p>
      {error && <p class="error">{t('error', { message: error })}</p>}
      {shown.map((runId) => (
        <RunProgress key={runId} runId={runId} onChange={runs.reload} />
      ))}
      <h3>{t('pastRuns')}</h3>
      <div class="scroll">
        <table data-testid="np-runs">
          <thead>
            <tr>
              <th>{t('run')}</th>
              <th>{t('np_category')}</th>
              <th>{t('status')}</th>
              <th>{t('started')}</th>
              <th>{t('np_sent')}</th>
              <th>{t('np_no_consent')}</th>
              <th>{t('np_capped')}</th>
              <th>{t('np_unsubscribed')}</th>
              <th>{t('np_rejected')}</th>
              <th>{t('np_other')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.data?.runs.map((r) => (
              <tr key={r.runId} data-run-id={r.runId}>
                <td>{r.runId}</td>
                <td>{r.category}</td>
                <td>{r.report ? t(`np_phase_${r.report.phase}`) : r.status === 'running' ? t('np_status_running') : r.status}</td>
                <td>{formatTime(r.startedAt, lang)}</td>
                {(['sent', 'skipped_no_consent', 'capped', 'unsubscribed', 'rejected', 'skipped_other'] as const).map((k) => (
                  <td key={k} class="num">
                    {r.report ? r.report[k] : '–'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Kampányok: switches, previews and the new-product campaign (README "Email campaigns"). */
export function CampaignsPage() {
  const { t } = useT();
  return (
    <section>
      <h2>{t('campaignSwitches')}</h2>
      <Switches />
      <h2>{t('preview')}</h2>
      <PreviewForm />
      <h2>{t('campaign_new_product')}</h2>
      <NewProduct />
    </section>
  );
}
