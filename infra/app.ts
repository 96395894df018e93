/**
 * CDK entry (cdk.json runs `node --import tsx infra/app.ts`):
 *   npx cdk synth -c stage=dev -c region=ap-southeast-3
 * The CLI sets CDK_OUTDIR, so the App synthesizes itself on exit.
 */
import { createPantauApp } from './pantau-app.ts';

createPantauApp();
