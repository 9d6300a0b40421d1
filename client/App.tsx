import { lazy, Suspense, useEffect } from "react";
import { Navigate, Route, Routes, useLocation, useNavigate } from "react-router";
import { Center, Loader } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { AppLayout } from "./components/AppLayout.tsx";
import { SignInPage } from "./features/auth/SignInPage.tsx";
import { useMe } from "./features/auth/useMe.ts";
import { onSessionLost } from "./lib/session-events.ts";
import { PlaceholderPage } from "./components/PlaceholderPage.tsx";

// Heavy pages are split out of the initial bundle.
const AdminPage = lazy(() => import("./features/admin/AdminPage.tsx"));
const AuditPage = lazy(() => import("./features/audit/AuditPage.tsx"));
const OverviewPage = lazy(() => import("./features/volume/OverviewPage.tsx"));
const BankPage = lazy(() => import("./features/volume/BankPage.tsx"));
const VolumeParamsPage = lazy(() => import("./features/volume/ParamsPage.tsx"));
const SuspensionsPage = lazy(() => import("./features/suspensions/SuspensionsPage.tsx"));
const QuarantinePage = lazy(() => import("./features/suspensions/QuarantinePage.tsx"));
const AccountsPage = lazy(() => import("./features/accounts/AccountsPage.tsx"));
const AccountPage = lazy(() => import("./features/accounts/AccountPage.tsx"));
const VictimsPage = lazy(() => import("./features/accounts/VictimsPage.tsx"));
const RulesPage = lazy(() => import("./features/accounts/RulesPage.tsx"));
const CompensationQueuePage = lazy(() => import("./features/compensation/CompensationQueuePage.tsx"));
const NewCasePage = lazy(() => import("./features/compensation/NewCasePage.tsx"));
const CasePage = lazy(() => import("./features/compensation/CasePage.tsx"));
const ApprovalQueuePage = lazy(() => import("./features/compensation/ApprovalQueuePage.tsx"));
const PayoutBatchesPage = lazy(() => import("./features/compensation/PayoutBatchesPage.tsx"));

function FullPageLoader() {
  return (
    <Center h="100vh">
      <Loader aria-label="Loading" />
    </Center>
  );
}

/** Sends a signed-out person to sign-in, remembering where they were. */
function RequireSession({ children }: { children: React.ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <FullPageLoader />;
  if (!me.data?.user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}${me.data?.sessionExpired ? "&expired=1" : ""}`} replace />;
  }
  return <>{children}</>;
}

function LandingRedirect() {
  const me = useMe();
  if (me.isPending) return <FullPageLoader />;
  return <Navigate to={me.data?.landingPath ?? "/sign-in"} replace />;
}

export function App() {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();

  useEffect(
    () =>
      onSessionLost(() => {
        if (location.pathname === "/sign-in") return;
        queryClient.clear();
        const next = encodeURIComponent(location.pathname + location.search);
        navigate(`/sign-in?next=${next}&expired=1`, { replace: true });
      }),
    [navigate, location, queryClient],
  );

  return (
    <Suspense fallback={<FullPageLoader />}>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route
          element={
            <RequireSession>
              <AppLayout />
            </RequireSession>
          }
        >
          <Route index element={<LandingRedirect />} />
          <Route path="overview" element={<OverviewPage />} />
          <Route path="banks/:bankCode" element={<BankPage />} />
          <Route path="volume/params" element={<VolumeParamsPage />} />
          <Route path="accounts" element={<AccountsPage />} />
          <Route path="accounts/victims" element={<VictimsPage />} />
          <Route path="accounts/rules" element={<RulesPage />} />
          <Route path="accounts/:accountId" element={<AccountPage />} />
          <Route path="suspensions" element={<SuspensionsPage />} />
          <Route path="quarantine" element={<QuarantinePage />} />
          <Route path="compensation" element={<CompensationQueuePage />} />
          <Route path="compensation/new" element={<NewCasePage />} />
          <Route path="compensation/cases/:caseId" element={<CasePage />} />
          <Route path="compensation/approvals" element={<ApprovalQueuePage />} />
          <Route path="compensation/batches" element={<PayoutBatchesPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="admin" element={<AdminPage />} />
          <Route path="*" element={<PlaceholderPage title="Page not found" text="There is no page at this address. Use the navigation on the left." />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
