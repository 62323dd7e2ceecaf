// Every test file starts with the whole catalogue, as the server and the CLI do: loading the
// composition root registers each module's entries (src/core/errors.ts).
import '../../src/modules.js';
