import { Navigate, useLocation } from 'react-router';

/** Where a signed-out visitor to a page goes: the front page, which signs in and comes back here. */
export function ToSignIn() {
  const here = useLocation();
  return <Navigate to="/" replace state={{ returnTo: `/app${here.pathname}${here.search}` }} />;
}
