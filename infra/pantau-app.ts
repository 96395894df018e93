/**
 * Builds the CDK app: config from context, one stack, tags, and the cdk-nag packs registered as
 * validation plugins over the whole app. `infra/app.ts` runs it for the CLI; tests call it with
 * their own context.
 */
import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { FunctionRole } from './bundling.ts';
import { configFromContext, type DeploymentConfig } from './config.ts';
import { PantauStack } from './stacks/pantau-stack.ts';

interface PantauApp {
  readonly app: App;
  readonly stack: PantauStack;
  readonly config: DeploymentConfig;
  readonly nagPacks: readonly (AwsSolutionsChecks | ServerlessChecks)[];
}

interface PantauAppOptions extends AppProps {
  readonly entries?: Partial<Record<FunctionRole, string>>;
}

function createPantauApp(options: PantauAppOptions = {}): PantauApp {
  const { entries, ...appProps } = options;
  const app = new App(appProps);
  const config = configFromContext((key) => app.node.tryGetContext(key));
  const stack = new PantauStack(app, config.stackName, {
    config,
    entries,
    description: `Pantau public-issue monitoring (${config.stage}, ${config.region})`,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
    terminationProtection: config.retainData,
  });
  // cfn-lint 1.51's resource schema still rejects Tags on AWS::CloudWatch::Dashboard.
  const tagOptions = { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] };
  Tags.of(app).add('project', 'pantau', tagOptions);
  Tags.of(app).add('stage', config.stage, tagOptions);
  const nagPacks = [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
  Validations.of(app).addPlugins(...nagPacks);
  return { app, stack, config, nagPacks };
}

export type { PantauApp, PantauAppOptions };
export { createPantauApp };
