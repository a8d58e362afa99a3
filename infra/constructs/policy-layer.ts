/**
 * Your own policy on AWS (`cdk deploy -c policyFile=my-policy.json`): the file, already checked at
 * synth time (infra/config.ts), travels as a Lambda layer holding one JSON file, and every function
 * gets POLICY_FILE naming it under /opt — the same variable `npm start` reads locally, read the same
 * way (lambdas/functions/aws.ts adds it to the shipped policies).
 *
 * Why a layer and not an environment variable: a function's variables share 4 KB, and a real
 * policy is larger (the shipped Sample City one is about 12 KB). Why not inside each bundle: the
 * bundles stay the same whatever the policy, so changing a policy redeploys one small layer version
 * and no code, and `npm run bench` measures the bundles that deploy.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { PolicyFileConfig } from '../config';

/** Where the policy file sits in every function (a layer's files are under /opt). */
export const POLICY_FILE_PATH = '/opt/purchase-approval/policy.json';

export class PolicyLayer extends Construct {
  readonly layer: lambda.LayerVersion;
  /** The value of POLICY_FILE in every function. */
  readonly path = POLICY_FILE_PATH;

  constructor(scope: Construct, id: string, policy: PolicyFileConfig) {
    super(scope, id);
    // The checked JSON, written into the cloud assembly's folder (so it goes when cdk.out goes) and
    // staged from there as the layer's content; the asset's hash follows the content.
    // One fixed folder, rewritten on every synth, so synths leave nothing behind.
    const staging = join(Stage.of(this)?.outdir ?? tmpdir(), `policy-layer-source-${id}`);
    rmSync(staging, { recursive: true, force: true });
    const folder = join(staging, 'purchase-approval');
    mkdirSync(folder, { recursive: true }); // cdk.out does not exist yet on a first synth
    writeFileSync(join(folder, 'policy.json'), policy.json);
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      code: lambda.Code.fromAsset(staging),
      compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
      compatibleArchitectures: [lambda.Architecture.ARM_64],
      description: `Purchasing policy "${policy.id}" from ${policy.file}`,
    });
  }
}
