import { Component, type ReactNode } from "react";
import { Alert, Button, Stack } from "@mantine/core";
import { i18n } from "../i18n/index.ts";

interface Props {
  children: ReactNode;
  resetKey?: string;
}

/** A page that throws shows words and a way out, never a blank screen. */
export class ErrorBoundary extends Component<Props, { error: Error | null; key?: string }> {
  override state = { error: null as Error | null, key: this.props.resetKey };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  static getDerivedStateFromProps(props: Props, state: { error: Error | null; key?: string }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }
  override render() {
    if (this.state.error) {
      const t = i18n.t;
      return (
        <Alert color="red" title={t("crash.title")}>
          <Stack gap="xs">
            <span>{t("crash.text")}</span>
            <Button size="xs" variant="light" w="fit-content" onClick={() => window.location.reload()}>
              {t("crash.reload")}
            </Button>
          </Stack>
        </Alert>
      );
    }
    return this.props.children;
  }
}
