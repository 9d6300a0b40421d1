// A wallet account id that links to the account page only for roles that may open it: support
// sees the id as plain text rather than a link that would end in a refusal.
import { Anchor, Text, type AnchorProps } from "@mantine/core";
import { Link } from "react-router";
import { useCan } from "../features/auth/useMe.ts";

export function AccountLink({ accountId, children, ...props }: { accountId: string; children?: React.ReactNode } & AnchorProps) {
  const canOpen = useCan("accounts.get");
  if (!canOpen) {
    return (
      <Text span {...props} data-testid="account-id-text">
        {children ?? accountId}
      </Text>
    );
  }
  return (
    <Anchor component={Link} to={`/accounts/${encodeURIComponent(accountId)}`} {...props}>
      {children ?? accountId}
    </Anchor>
  );
}
