/** Volume views refetch this often: new events show within 10 s (detection runs every 2 s). */
export const REFRESH_MS = 5_000;
