import { dispatch } from "./dispatch";
import { processIo } from "./io";

/** The `sagaflow` executable: `pnpm sagaflow <command> …` runs this file with tsx. */

// Exit once stdout has drained (a piped `--json` object must arrive whole), even if a custom action
// left a timer behind.
const code = await dispatch(process.argv.slice(2), processIo());
process.stdout.write("", () => process.exit(code));
