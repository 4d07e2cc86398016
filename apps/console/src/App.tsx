import { lazy, ReactNode, Suspense, useMemo } from 'react';
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation } from 'react-router';
import { ApiClient } from '@mammoth/api-client';
import { ApiContext } from './api/client';
import { useToken } from './auth';
import { Layout } from './components/Layout';
import { AppPage } from './pages/app/AppPage';
import { DeployPage } from './pages/DeployPage';
import { EventsPage } from './pages/events/EventsPage';
import { LoginPage } from './pages/LoginPage';
import { OverviewPage } from './pages/OverviewPage';
import { StorePage } from './pages/store/StorePage';

// The two heaviest pages (the chart library, the editor) load only when opened.
const CapacityPage = lazy(() => import('./pages/capacity/CapacityPage'));
const GraphiQLPage = lazy(() => import('./pages/GraphiQLPage'));

/** page wraps a lazily loaded page in its loading fallback. */
function page(element: ReactNode): ReactNode {
  return <Suspense fallback={<p className="muted">Loading…</p>}>{element}</Suspense>;
}

/** SignedIn gives its pages an API client carrying the token, or sends the browser to the login page. */
function SignedIn() {
  const token = useToken();
  const location = useLocation();
  const api = useMemo(() => new ApiClient({ addr: '', token }), [token]);
  if (!token) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return (
    <ApiContext.Provider value={api}>
      <Outlet />
    </ApiContext.Provider>
  );
}

const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    element: <SignedIn />,
    children: [
      {
        element: <Layout />,
        children: [
          { index: true, element: <OverviewPage /> },
          { path: 'apps/:name', element: <AppPage /> },
          { path: 'deploy', element: <DeployPage /> },
          { path: 'events', element: <EventsPage /> },
          { path: 'capacity', element: page(<CapacityPage />) },
          { path: 'store', element: <StorePage /> },
          { path: 'graphiql', element: page(<GraphiQLPage />) },
          { path: '*', element: <p className="muted">No such page.</p> },
        ],
      },
    ],
  },
]);

/** App is the console: the login page, and the signed-in pages inside the navigation frame. */
export function App() {
  return <RouterProvider router={router} />;
}
