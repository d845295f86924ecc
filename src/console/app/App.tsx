/**
 * The console's shell: the session, the layout (header, navigation, main) and the route table.
 * Pages load lazily; the shell itself is all the first page needs.
 */
import { Suspense, useEffect, useRef, type ReactNode } from 'react';
import { ErrorBoundary } from '../components/ErrorBoundary.js';
import { SignIn } from '../pages/SignIn.js';
import { APP_PAGES, TOP_PAGES, appPath } from './pages.js';
import { Link, Redirect, matchPath, navigate, useLocation } from './router.js';
import { SessionProvider, useSession } from './session.js';

export function App() {
  return (
    <SessionProvider>
      <Routes />
    </SessionProvider>
  );
}

function Routes() {
  const { user } = useSession();
  const { pathname } = useLocation();
  if (user === undefined) return <p className="loading">Loading…</p>;
  if (user === null) {
    if (pathname !== '/sign-in') {
      const next = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname)}`;
      return <Redirect to={`/sign-in${next}`} />;
    }
    return <SignIn />;
  }
  if (pathname === '/' || pathname === '/sign-in') return <Redirect to="/apps" />;
  return <Layout pathname={pathname} />;
}

function Layout({ pathname }: { pathname: string }) {
  const { user, signOut } = useSession();
  const top = TOP_PAGES.find((p) => p.path === pathname);
  const appMatch =
    matchPath('/apps/:name', pathname) ?? matchPath('/apps/:name/:slug', pathname) ?? undefined;
  const appPage = appMatch ? APP_PAGES.find((p) => p.slug === (appMatch.slug ?? '')) : undefined;
  const title = top?.title ?? appPage?.title ?? 'Not found';
  useEffect(() => {
    document.title = `${title}${appMatch ? ` · ${appMatch.name}` : ''} · Provisio`;
  }, [title, appMatch?.name]);

  let content: ReactNode;
  if (top) content = <top.component />;
  else if (appMatch && appPage) content = <appPage.component app={appMatch.name!} />;
  else content = <p>There is no page at {pathname}.</p>;

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Provisio</span>
        <nav aria-label="Main">
          <ul>
            {TOP_PAGES.map((p) => (
              <li key={p.path}>
                <Link
                  href={p.path}
                  aria-current={pathname === p.path || (p.path === '/apps' && appMatch) ? 'page' : undefined}
                >
                  {p.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          {user!.name} <span className="role">({user!.role})</span>
        </span>
        <button
          type="button"
          onClick={() => {
            void signOut().then(() => navigate('/sign-in'));
          }}
        >
          Sign out
        </button>
      </header>
      <div className="body">
        {appMatch && (
          <nav className="side" aria-label="Application">
            <p className="side-app">{appMatch.name}</p>
            <ul>
              {APP_PAGES.map((p) => (
                <li key={p.slug}>
                  <Link
                    href={appPath(appMatch.name!, p.slug)}
                    aria-current={p.slug === (appMatch.slug ?? '') ? 'page' : undefined}
                  >
                    {p.title}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <main id="main" tabIndex={-1}>
          <PageHeading title={title} key={pathname} />
          <ErrorBoundary key={`e${pathname}`}>
            <Suspense fallback={<p className="loading">Loading…</p>}>{content}</Suspense>
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}

/** The page's h1; focused after a navigation so keyboard and screen-reader users land on it. */
function PageHeading({ title }: { title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (document.activeElement && document.activeElement !== document.body) ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {title}
    </h1>
  );
}
