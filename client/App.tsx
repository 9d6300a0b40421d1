import { lazy, Suspense, useEffect } from "react";
import { Navigate, Route, Routes, useLocation, useNavigate } from "react-router";
import { Center, Loader } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { AppLayout } from "./components/AppLayout.tsx";
import { SignInPage } from "./features/auth/SignInPage.tsx";
import { useMe } from "./features/auth/useMe.ts";
import { onSessionLost } from "./lib/session-events.ts";
import { NotFoundPage, RoleGate } from "./components/RoleGate.tsx";
import { LanguageSync } from "./i18n/LanguageSwitch.tsx";
import { i18n } from "./i18n/index.ts";
import { StepUpModal } from "./features/auth/second-factor/StepUpModal.tsx";
import { overviewPageModule, preloadOverview } from "./features/volume/overview/preload.ts";
import { useTRPC } from "./trpc.ts";

// Heavy pages are split out of the initial bundle.
const AdminPage = lazy(() => import("./features/admin/AdminPage.tsx"));
const EnrolPage = lazy(() => import("./features/auth/second-factor/EnrolPage.tsx"));
const AuditPage = lazy(() => import("./features/audit/AuditPage.tsx"));
const OverviewPage = lazy(overviewPageModule);
const BankPage = lazy(() => import("./features/volume/BankPage.tsx"));
const VolumeParamsPage = lazy(() => import("./features/volume/ParamsPage.tsx"));
const SuspensionsPage = lazy(() => import("./features/suspensions/SuspensionsPage.tsx"));
const QuarantinePage = lazy(() => import("./features/suspensions/QuarantinePage.tsx"));
const BankRegisterPage = lazy(() => import("./features/suspensions/BankRegisterPage.tsx"));
const AccountsPage = lazy(() => import("./features/accounts/AccountsPage.tsx"));
const AccountPage = lazy(() => import("./features/accounts/AccountPage.tsx"));
const VictimsPage = lazy(() => import("./features/accounts/VictimsPage.tsx"));
const RulesPage = lazy(() => import("./features/accounts/RulesPage.tsx"));
const CompensationQueuePage = lazy(() => import("./features/compensation/CompensationQueuePage.tsx"));
const NewCasePage = lazy(() => import("./features/compensation/NewCasePage.tsx"));
const CasePage = lazy(() => import("./features/compensation/CasePage.tsx"));
const ApprovalQueuePage = lazy(() => import("./features/compensation/ApprovalQueuePage.tsx"));
const PayoutBatchesPage = lazy(() => import("./features/compensation/PayoutBatchesPage.tsx"));
const ReconciliationPage = lazy(() => import("./features/compensation/ReconciliationPage.tsx"));
const SettlementPage = lazy(() => import("./features/compensation/SettlementPage.tsx"));
const RegulatorReportPage = lazy(() => import("./features/reports/RegulatorReportPage.tsx"));
const ApprovalsPage = lazy(() => import("./features/approvals/ApprovalsPage.tsx"));
const FeedHealthPage = lazy(() => import("./features/feeds/FeedHealthPage.tsx"));
const WebhooksPage = lazy(() => import("./features/webhooks/WebhooksPage.tsx"));

function FullPageLoader() {
  return (
    <Center h="100vh">
      <Loader aria-label={i18n.t("loading")} />
    </Center>
  );
}

/** Sends a signed-out person to sign-in, remembering where they were. */
function RequireSession({ children }: { children: React.ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <FullPageLoader />;
  const next = encodeURIComponent(location.pathname + location.search);
  // A person who must have a second factor and has none (an ADMIN required it since) enrols first.
  if (me.data?.user && me.data.secondFactor?.required && !me.data.secondFactor.enrolled) return <Navigate to={`/enrol?next=${next}`} replace />;
  if (!me.data?.user) {
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
  const trpc = useTRPC();

  // Opened at the overview: its figures and code are asked for beside the session check.
  useEffect(() => preloadOverview(window.location, queryClient, trpc), [queryClient, trpc]);

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
      <LanguageSync />
      <StepUpModal />
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/enrol" element={<EnrolPage />} />
        <Route
          element={
            <RequireSession>
              <AppLayout />
            </RequireSession>
          }
        >
          <Route index element={<LandingRedirect />} />
          <Route path="overview" element={<RoleGate page="/overview"><OverviewPage /></RoleGate>} />
          <Route path="banks/:bankCode" element={<RoleGate page="/banks/:bankCode"><BankPage /></RoleGate>} />
          <Route path="volume/params" element={<RoleGate page="/volume/params"><VolumeParamsPage /></RoleGate>} />
          <Route path="accounts" element={<RoleGate page="/accounts"><AccountsPage /></RoleGate>} />
          <Route path="accounts/victims" element={<RoleGate page="/accounts/victims"><VictimsPage /></RoleGate>} />
          <Route path="accounts/rules" element={<RoleGate page="/accounts/rules"><RulesPage /></RoleGate>} />
          <Route path="accounts/:accountId" element={<RoleGate page="/accounts/:accountId"><AccountPage /></RoleGate>} />
          <Route path="suspensions" element={<RoleGate page="/suspensions"><SuspensionsPage /></RoleGate>} />
          <Route path="quarantine" element={<RoleGate page="/quarantine"><QuarantinePage /></RoleGate>} />
          <Route path="banks" element={<RoleGate page="/banks"><BankRegisterPage /></RoleGate>} />
          <Route path="compensation" element={<RoleGate page="/compensation"><CompensationQueuePage /></RoleGate>} />
          <Route path="compensation/new" element={<RoleGate page="/compensation/new"><NewCasePage /></RoleGate>} />
          <Route path="compensation/cases/:caseId" element={<RoleGate page="/compensation/cases/:caseId"><CasePage /></RoleGate>} />
          <Route path="compensation/approvals" element={<RoleGate page="/compensation/approvals"><ApprovalQueuePage /></RoleGate>} />
          <Route path="compensation/batches" element={<RoleGate page="/compensation/batches"><PayoutBatchesPage /></RoleGate>} />
          <Route path="compensation/reconciliation" element={<RoleGate page="/compensation/reconciliation"><ReconciliationPage /></RoleGate>} />
          {/* Gated inside: statements for managers and admins, reimbursements for support too (shared/settlement/access.ts). */}
          <Route path="compensation/settlement" element={<SettlementPage />} />
          <Route path="audit" element={<RoleGate page="/audit"><AuditPage /></RoleGate>} />
          <Route path="admin" element={<RoleGate page="/admin"><AdminPage /></RoleGate>} />
          <Route path="approvals" element={<RoleGate page="/approvals"><ApprovalsPage /></RoleGate>} />
          <Route path="feeds" element={<RoleGate page="/feeds"><FeedHealthPage /></RoleGate>} />
          <Route path="webhooks" element={<RoleGate page="/webhooks"><WebhooksPage /></RoleGate>} />
          <Route path="reports/regulator" element={<RoleGate page="/reports/regulator"><RegulatorReportPage /></RoleGate>} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
