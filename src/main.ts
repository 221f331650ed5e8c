#!/usr/bin/env node
/** argv → the subcommand. Nothing else lives here. */
import { run } from './cli/run.js';

process.exitCode = await run(process.argv.slice(2));
