import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";
import { mayCall } from "../../../shared/auth/permissions.ts";

export function useMe() {
  const trpc = useTRPC();
  return useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
}

/** Whether the signed-in person's role may call a procedure: hides what the server would refuse. */
export function useCan(path: string): boolean {
  const me = useMe();
  return mayCall(me.data?.user?.role, path);
}
