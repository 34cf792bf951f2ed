/**
 * `uppf` — the project's command line (commander). Each command lives in ./commands and
 * registers itself here. Exit codes: 0 ok, 1 the work found errors, 2 usage error or
 * unreadable input.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { CliError } from "./errors";
import { registerServeCommand } from "./commands/serve";
import { registerManifestCommand } from "./commands/manifest";
import { registerTemplateCommand } from "./commands/template";
import { registerValidateCommand } from "./commands/validate";
import { registerCompileCommand } from "./commands/compile";
import { registerUserCommands } from "./commands/user";
import { registerReceiptCommands } from "./commands/receipts";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/** Commander's English usage errors, said in Swedish. */
function swedishUsage(err: CommanderError): string {
  const quoted = /'([^']*)'/.exec(err.message)?.[1];
  switch (err.code) {
    case "commander.unknownCommand":
      return `okänt kommando "${quoted}"`;
    case "commander.unknownOption":
      return `okänd flagga "${quoted}"`;
    case "commander.missingArgument":
      return `argumentet "${quoted}" saknas`;
    case "commander.optionMissingArgument":
      return `flaggan "${quoted}" behöver ett värde`;
    case "commander.missingMandatoryOptionValue":
      return `flaggan "${quoted}" måste anges`;
    case "commander.excessArguments":
      return `för många argument`;
    case "commander.invalidArgument":
      return err.message.replace(/^error: /, "");
    default:
      return err.message.replace(/^error: /, "");
  }
}

/** Commander's help headings, said in Swedish. */
function swedishHelp(text: string): string {
  return text
    .replace(/^Usage:/gm, "Användning:")
    .replace(/^Options:/gm, "Flaggor:")
    .replace(/^Commands:/gm, "Kommandon:")
    .replace(/^Arguments:/gm, "Argument:")
    .replace(/\(default: /g, "(standard: ")
    .replace(/\[options\]/g, "[flaggor]")
    .replace(/\[command\]/g, "[kommando]");
}

const output = {
  writeOut: (text: string) => process.stdout.write(swedishHelp(text)),
  // Help shown because a subcommand is missing goes to stderr.
  writeErr: (text: string) => process.stderr.write(swedishHelp(text)),
  outputError: () => undefined,
};

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("uppf")
    .description("Uppföljning av utförare: mall, granskning, delad lagring och Excel-tillägg")
    .version(pkg.version, "-V, --version", "visa versionen")
    .helpOption("-h, --help", "visa hjälp")
    .helpCommand("help [kommando]", "visa hjälp för ett kommando")
    .option("--debug", "visa tekniska detaljer (stackspår) vid fel")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput(output);
  registerServeCommand(program);
  registerManifestCommand(program);
  registerTemplateCommand(program);
  registerValidateCommand(program);
  registerCompileCommand(program);
  registerUserCommands(program);
  registerReceiptCommands(program);
  const configure = (commands: readonly Command[]) => {
    for (const command of commands) {
      command.exitOverride().configureOutput(output).helpOption("-h, --help", "visa hjälp");
      configure(command.commands);
    }
  };
  configure(program.commands);
  return program;
}

/** Runs the CLI and returns its exit code (the process is not exited here, so tests can call it). */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
      // Help shown because a subcommand was missing (e.g. "uppf user"): a usage error.
      if (err.code === "commander.help") return err.exitCode === 0 ? 0 : 2;
      console.error(`uppf: ${swedishUsage(err)}. Se "uppf --help".`);
      return 2;
    }
    const debug = argv.includes("--debug");
    if (err instanceof CliError) {
      console.error(`uppf: ${err.message}`);
      if (debug) console.error(err.stack);
      return err.exitCode;
    }
    console.error(`uppf: oväntat fel: ${err instanceof Error ? err.message : String(err)}`);
    if (debug && err instanceof Error) console.error(err.stack);
    return 2;
  }
}

const invokedDirectly =
  process.argv[1] && /(?:bin[\\/]uppf(?:\.js)?|src[\\/]cli[\\/]main\.ts)$/.test(process.argv[1]);
if (invokedDirectly) {
  // Long-running commands (serve) keep the event loop alive and stop on their own signal handlers.
  process.exitCode = await runCli(process.argv.slice(2));
}
