import { useState } from "react";
import { Button, Field, Input } from "@fluentui/react-components";
import type { Session } from "../state/useSession";
import { sv } from "../text/sv";
import { useCommonStyles } from "./common";

export function SignIn({
  session,
  onSignIn,
  onSignOut,
}: {
  session: Session;
  onSignIn: (token: string) => void;
  onSignOut: () => void;
}) {
  const c = useCommonStyles();
  const [token, setToken] = useState("");
  if (session.status === "signedIn" && session.me) {
    const me = session.me;
    return (
      <div className={c.row}>
        <span data-testid="signed-in">
          {sv.signIn.signedInAs(me.name, me.orgName, sv.signIn.roles[me.role] ?? me.role)}
        </span>
        <Button size="small" onClick={onSignOut}>
          {sv.signIn.signOut}
        </Button>
      </div>
    );
  }
  return (
    <form
      className={c.section}
      onSubmit={(e) => {
        e.preventDefault();
        if (token.trim()) onSignIn(token.trim());
      }}
    >
      <Field
        label={sv.signIn.token}
        hint={sv.signIn.tokenHelp}
        validationMessage={
          session.status === "failed"
            ? sv.signIn.failed
            : session.status === "offline"
              ? sv.signIn.noServer
              : undefined
        }
        validationState={
          session.status === "failed" ? "error" : session.status === "offline" ? "warning" : "none"
        }
      >
        <Input
          type="password"
          value={token}
          onChange={(_, d) => setToken(d.value)}
          autoComplete="off"
          data-testid="token-input"
        />
      </Field>
      <div>
        <Button type="submit" disabled={session.status === "checking"}>
          {sv.signIn.signIn}
        </Button>
      </div>
    </form>
  );
}
