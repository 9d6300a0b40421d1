import { Component, type ReactNode } from "react";
import { Alert, Button, Stack } from "@mantine/core";

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
      return (
        <Alert color="red" title="This page could not be shown">
          <Stack gap="xs">
            <span>Something went wrong while showing this page. Reloading usually helps; if it does not, tell support what you were doing.</span>
            <Button size="xs" variant="light" w="fit-content" onClick={() => window.location.reload()}>
              Reload
            </Button>
          </Stack>
        </Alert>
      );
    }
    return this.props.children;
  }
}
