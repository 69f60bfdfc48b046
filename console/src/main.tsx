import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { translator } from './i18n';
import { BulkSyncPage } from './pages/BulkSync';
import { CampaignsPage } from './pages/Campaigns';
import { DeadLettersPage } from './pages/DeadLetters';
import { ErasuresPage } from './pages/Erasures';
import { KokoPage } from './pages/Koko';
import { OverviewPage } from './pages/Overview';
import { PartnersPage } from './pages/Partners';
import { Shell } from './shell';

const pages = {
  koko: KokoPage,
  overview: OverviewPage,
  partners: PartnersPage,
  'bulk-sync': BulkSyncPage,
  'dead-letters': DeadLettersPage,
  erasures: ErasuresPage,
  campaigns: CampaignsPage,
} as const;
type Page = keyof typeof pages;
const titles: Record<Page, Parameters<ReturnType<typeof translator>>[0]> = {
  koko: 'koko',
  overview: 'overview',
  partners: 'partners',
  'bulk-sync': 'bulkSync',
  'dead-letters': 'deadLetters',
  erasures: 'erasures',
  campaigns: 'campaigns',
};

const pageOf = (hash: string): Page => (hash.replace(/^#\/?/, '') in pages ? (hash.replace(/^#\/?/, '') as Page) : 'koko');

function Console() {
  const [page, setPage] = useState<Page>(pageOf(location.hash));
  useEffect(() => {
    const onHash = () => setPage(pageOf(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const Current = pages[page];
  return (
    <Shell>
      {({ session, signOut, lang, switchLang }) => {
        const t = translator(lang);
        return (
          <>
            <header class="top">
              <strong>{t('title')}</strong>
              <nav>
                {(Object.keys(pages) as Page[]).map((p) => (
                  <a key={p} href={`#/${p}`} class={p === page ? 'active' : ''} data-testid={`nav-${p}`}>
                    {t(titles[p])}
                  </a>
                ))}
              </nav>
              <span class="who">
                {t('signedInAs', { admin: session.admin })}
                <button class="link" onClick={switchLang} data-testid="lang">
                  {t('language')}
                </button>
                <button class="link" onClick={signOut} data-testid="sign-out">
                  {t('signOut')}
                </button>
              </span>
            </header>
            <main>
              <h1>{t(titles[page])}</h1>
              <Current />
            </main>
          </>
        );
      }}
    </Shell>
  );
}

render(<Console />, document.getElementById('app')!);
