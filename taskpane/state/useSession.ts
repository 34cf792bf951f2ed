/** Sign-in with a Bearer token for the shared store, remembered in localStorage. */
import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiClient, ApiError, TOKEN_STORAGE_KEY, type Me } from "../../src/api";
import { setKeyFunctionsConnection } from "./keyClientBridge";

export interface Session {
  status: "signedOut" | "checking" | "signedIn" | "failed" | "offline";
  me?: Me;
  token?: string;
  error?: string;
}

function storedToken(): string | undefined {
  try {
    return localStorage.getItem(TOKEN_STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function useSession(baseUrl = "") {
  const [session, setSession] = useState<Session>(() => {
    const token = storedToken();
    return token ? { status: "checking", token } : { status: "signedOut" };
  });
  const api = useMemo(() => new ApiClient({ baseUrl, getToken: () => storedToken() }), [baseUrl]);

  const check = useCallback(
    async (token: string) => {
      setSession({ status: "checking", token });
      try {
        const me = await api.me(token);
        try {
          localStorage.setItem(TOKEN_STORAGE_KEY, token);
        } catch {
          /* private mode: the session lasts until the pane closes */
        }
        setSession({ status: "signedIn", me, token });
      } catch (e) {
        if (e instanceof ApiError && e.offline) setSession({ status: "offline", token, error: e.message });
        else {
          setSession({ status: "failed", error: e instanceof Error ? e.message : String(e) });
          try {
            localStorage.removeItem(TOKEN_STORAGE_KEY);
          } catch {
            /* ignore */
          }
        }
      }
    },
    [api],
  );

  useEffect(() => {
    const token = storedToken();
    if (token) void check(token);
  }, [check]);

  // KOSTNADSNYCKEL in the workbook reads keys as the signed-in finance user.
  useEffect(() => {
    const base = baseUrl || (typeof location !== "undefined" ? location.origin : "");
    if (session.status === "signedIn" && session.me?.role === "finance" && session.token) {
      setKeyFunctionsConnection({ baseUrl: base, token: session.token });
    } else if (session.status !== "checking") {
      setKeyFunctionsConnection(null);
    }
  }, [session, baseUrl]);

  const signOut = useCallback(() => {
    try {
      localStorage.removeItem(TOKEN_STORAGE_KEY);
    } catch {
      /* ignore */
    }
    setSession({ status: "signedOut" });
  }, []);

  return { session, signIn: check, signOut, api };
}
