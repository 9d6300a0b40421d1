// First: at /overview it starts loading the page's code before the rest is evaluated.
import "./boot.ts";
import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "@mantine/dates/styles.css";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { MantineProvider, createTheme } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { TRPCProvider, makeQueryClient, makeTrpcClient } from "./trpc.ts";
import { App } from "./App.tsx";
import "./slots.ts";
import "./i18n/index.ts";
import "dayjs/locale/ja";
import { DatesProvider } from "@mantine/dates";
import { useLanguage } from "./components/format.tsx";

const theme = createTheme({
  primaryColor: "indigo",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', 'Hiragino Sans', 'Noto Sans JP', sans-serif",
  defaultRadius: "sm",
});

/** Date pickers name months and weekdays in the console's language. */
function LocalizedDates({ children }: { children: React.ReactNode }) {
  const lang = useLanguage();
  return <DatesProvider settings={{ locale: lang }}>{children}</DatesProvider>;
}

function Root() {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(makeTrpcClient);
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <LocalizedDates>
            <BrowserRouter>
              <App />
            </BrowserRouter>
          </LocalizedDates>
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
