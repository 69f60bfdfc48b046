import { api } from '../api';
import { DecisionList, SuggestionCard, type Decision, type Suggestion } from '../components';
import { usePoll } from '../hooks';
import { useT } from '../i18n';

export function KokoPage() {
  const { t } = useT();
  const { data, error, reload } = usePoll(() => api<{ pending: Suggestion[]; decided: Decision[] }>('GET', '/koko/feed'), 3000);
  return (
    <section>
      <h2>{t('pending')}</h2>
      {error && <p class="error">{t('error', { message: error })}</p>}
      {!data ? <p>{t('loading')}</p> : data.pending.length === 0 ? <p class="muted">{t('noPending')}</p> : null}
      <div class="cards">
        {data?.pending.map((s) => <SuggestionCard key={s.id} s={s} onDecided={reload} />)}
      </div>
      <h2>{t('decided')}</h2>
      {data && <DecisionList decisions={data.decided} showConversation />}
    </section>
  );
}
