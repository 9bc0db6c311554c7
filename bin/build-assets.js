#!/usr/bin/env node
// Compiles the design-system stylesheet (runs on `npm install`, and by the server when missing).
import { buildAssets } from './build-assets-lib.js';

await buildAssets();
