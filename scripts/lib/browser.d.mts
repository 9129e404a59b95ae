// Types of browser.mjs for the TypeScript e2e tests.
import type { Browser } from 'playwright-core';

export declare const CHROMIUM: string;
export declare const CHROMIUM_ARGS: string[];
export declare const VIEWPORT: { width: number; height: number };
export declare function launchBrowser(): Promise<Browser>;
