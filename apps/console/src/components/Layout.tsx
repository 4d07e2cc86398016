import { NavLink, Outlet } from 'react-router';
import { saveToken } from '../auth';

const LINKS = [
  ['/', 'Overview'],
  ['/deploy', 'Deploy'],
  ['/events', 'Events'],
  ['/capacity', 'Capacity'],
  ['/store', 'App Store'],
  ['/graphiql', 'GraphiQL'],
] as const;

/** Layout is every signed-in page's frame: the navigation bar above the page. */
export function Layout() {
  return (
    <>
      <header className="topbar">
        <span className="brand">Mammoth</span>
        <nav>
          {LINKS.map(([to, label]) => (
            <NavLink key={to} to={to} end={to === '/'}>
              {label}
            </NavLink>
          ))}
        </nav>
        <button className="link" onClick={() => saveToken(null)}>
          Sign out
        </button>
      </header>
      <main>
        <Outlet />
      </main>
    </>
  );
}
