// Registers cross-feature UI into client/components/shell-slots.tsx. Imported once by main.tsx.
// Each feature adds one line here, e.g.:
//   shellSlots.bankPanels.push({ key: "suspensions", Component: SuspensionPanel });
import { shellSlots } from "./components/shell-slots.tsx";
import { BankTimelinePanel } from "./features/audit/BankTimelinePanel.tsx";
import { SuspensionPanel } from "./features/suspensions/SuspensionPanel.tsx";
import { IncidentBanner } from "./features/volume/IncidentBanner.tsx";

export { shellSlots };

shellSlots.bankPanels.push({ key: "suspensions", Component: SuspensionPanel });
shellSlots.bankPanels.push({ key: "timeline", Component: BankTimelinePanel });
shellSlots.banner = IncidentBanner;
