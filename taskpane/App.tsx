import { FluentProvider, webLightTheme, Title3, Body1 } from "@fluentui/react-components";

export interface AppProps {
  /** Office host name ("Excel"), or null when running in a plain browser outside Office. */
  host: string | null;
}

export function App({ host }: AppProps) {
  return (
    <FluentProvider theme={webLightTheme} style={{ minHeight: "100vh", padding: 16 }}>
      <Title3 as="h1">Uppföljning</Title3>
      <Body1 as="p" data-testid="host-status">
        {host ? `Ansluten till ${host}.` : "Körs utanför Excel: öppna en arbetsbok (.xlsx) för att granska den."}
      </Body1>
    </FluentProvider>
  );
}
