import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";

/** An access key of the local AWS endpoint (moto). */
export interface AccessKey {
  id: string;
  secret: string;
}

/** A new access key for `user`. */
export async function newAccessKey(iam: IAMClient, user: string): Promise<AccessKey> {
  const k = (await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey;
  return { id: k?.AccessKeyId ?? "", secret: k?.SecretAccessKey ?? "" };
}

/**
 * Creates an IAM user on moto (which enforces IAM) allowed to list and read every bucket and nothing
 * else, as a stage's key would be, and returns its first access key.
 */
export async function createReaderUser(iam: IAMClient, user: string): Promise<AccessKey> {
  await iam.send(new CreateUserCommand({ UserName: user }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: user,
      PolicyName: "read",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:ListBucket", "s3:GetObject"], Resource: "*" }],
      }),
    }),
  );
  return newAccessKey(iam, user);
}
