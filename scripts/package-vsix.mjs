#!/usr/bin/env node
// `npm run package`: builds dist/, packages racelens-VERSION.vsix and checks its contents.
import { packageVsix } from './lib/vsix.mjs';

packageVsix();
