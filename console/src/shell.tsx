import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, useSession, type Session } from './api';
import { SignIn } from './components';
import { I18n, storedLang, storeLang, translator, type Lang } from './i18n';
import './style.css';

/** Language, session and sign-in shared by the console and the Chatwoot dashboard app. */
export function Shell(props: { children: (s: { session: Session; signOut: () => void; lang: Lang; switchLang: () => void }) => ComponentChildren }) {
  const [lang, setLang] = useState<Lang>(storedLang());
  const [session, setSession] = useState<Session | null>();
  const signedOut = () => setSession(null);
  const signedIn = (s: Session) => {
    useSession(s.csrfToken, signedOut);
    setSession(s);
  };
  useEffect(() => {
    api<Session>('GET', '/session').then(signedIn, signedOut);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const switchLang = () => {
    const next = lang === 'hu' ? 'en' : 'hu';
    storeLang(next);
    setLang(next);
  };
  const signOut = () => {
    api('DELETE', '/session').finally(signedOut);
  };
  const t = translator(lang);
  return (
    <I18n.Provider value={{ t, lang }}>
      {session === undefined ? (
        <p>{t('loading')}</p>
      ) : session === null ? (
        <main class="center">
          <SignIn onSignedIn={signedIn} />
          <button class="link" onClick={switchLang} data-testid="lang">
            {t('language')}
          </button>
        </main>
      ) : (
        props.children({ session, signOut, lang, switchLang })
      )}
    </I18n.Provider>
  );
}
