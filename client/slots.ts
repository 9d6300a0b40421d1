// Registers cross-feature UI into client/components/shell-slots.tsx. Imported once by main.tsx.
// Each feature adds one line here, e.g.:
//   shellSlots.bankPanels.push({ key: "suspensions", Component: SuspensionPanel });
// Bank-page panels are loaded lazily: they are only needed on a bank's page, so they stay out of
// the initial JavaScript (the banner is on every page and stays static).
import { lazy } from "react";
import { shellSlots } from "./components/shell-slots.tsx";
import { IncidentBanner } from "./features/volume/IncidentBanner.tsx";
import { FeedAlarmBanner } from "./features/feeds/FeedAlarmBanner.tsx";
import { SuspensionAttentionBanner } from "./features/suspensions/Ending.tsx";
import { ProposalsBanner } from "./features/proposals/ProposalsBanner.tsx";

export { shellSlots };

const SuspensionPanel = lazy(() => import("./features/suspensions/SuspensionPanel.tsx").then((m) => ({ default: m.SuspensionPanel })));
const BankTimelinePanel = lazy(() => import("./features/audit/BankTimelinePanel.tsx").then((m) => ({ default: m.BankTimelinePanel })));
const ProposalsPanel = lazy(() => import("./features/proposals/ProposalsPanel.tsx").then((m) => ({ default: m.ProposalsPanel })));

shellSlots.bankPanels.push({ key: "proposals", Component: ProposalsPanel });
shellSlots.bankPanels.push({ key: "suspensions", Component: SuspensionPanel });
shellSlots.bankPanels.push({ key: "timeline", Component: BankTimelinePanel });
shellSlots.banner = IncidentBanner;
shellSlots.banners.push({ key: "feeds", Component: FeedAlarmBanner });
shellSlots.banners.push({ key: "suspension-attention", Component: SuspensionAttentionBanner });
shellSlots.banners.push({ key: "proposals", Component: ProposalsBanner });
