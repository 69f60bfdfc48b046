import { api } from '../api';
import { DecisionList, SuggestionCard, usePendingWithDecided, type Decision, type Suggestion } from '../components';
import { usePoll } from '../hooks';
import { useT } from '../i18n';

export function KokoPage() {
  const { t } = useT();
  const { data, error, reload } = usePoll(() => api<{ pending: Suggestion[]; decided: Decision[] }>('GET', '/koko/feed'), 3000);
  const { shown, deciding } = usePendingWithDecided(data?.pending);
  return (
    <section>
      <h2>{t('pending')}</h2>
      {error && <p class="error">{t('error', { message: error })}</p>}
      {!data ? <p>{t('loading')}</p> : shown.length === 0 ? <p class="muted">{t('noPending')}</p> : null}
      <div class="cards">
        {shown.map((s) => (
          <SuggestionCard key={s.id} s={s} onDeciding={deciding} onDecided={reload} />
        ))}
      </div>
      <h2>{t('decided')}</h2>
      {data && <DecisionList decisions={data.decided} showConversation />}
    </section>
  );
}
