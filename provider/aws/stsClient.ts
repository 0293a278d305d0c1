import type * as Sts from "@aws-sdk/client-sts";
import { awsClientConfig } from "./awsClientConfig";

/**
 * The only module that loads `@aws-sdk/client-sts`, `require`d inside {@link stsApi}. Region, credentials
 * and endpoint as for IAM (see `iamClient.ts`).
 */

/** Temporary credentials of an assumed role. Never logged, never stored. */
export interface TemporaryCredentials {
  /** Access key ID (`ASIA...`). */
  readonly accessKeyId: string;
  /** Secret access key. */
  readonly secretAccessKey: string;
  /** Session token. */
  readonly sessionToken: string;
}

/** The STS calls a verification makes. SDK errors are thrown unchanged. */
export interface StsApi {
  /** The ARN the deployment's own credentials act as (`sts:GetCallerIdentity`). */
  callerArn(): Promise<string>;
  /** `sts:AssumeRole` with an external ID, for 15 minutes. */
  assumeRole(roleArn: string, externalId: string, sessionName: string): Promise<TemporaryCredentials>;
}

/** An {@link StsApi} backed by `@aws-sdk/client-sts`. */
export function stsApi(): StsApi {
  const sdk = require("@aws-sdk/client-sts") as typeof Sts;
  const client = new sdk.STSClient(awsClientConfig());
  return {
    async callerArn() {
      const r = await client.send(new sdk.GetCallerIdentityCommand({}));
      return r.Arn ?? "";
    },
    async assumeRole(roleArn, externalId, sessionName) {
      const r = await client.send(
        new sdk.AssumeRoleCommand({
          RoleArn: roleArn,
          ExternalId: externalId,
          RoleSessionName: sessionName,
          DurationSeconds: 900,
        }),
      );
      const c = r.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
        throw new Error("sts:AssumeRole returned no credentials");
      }
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    },
  };
}
