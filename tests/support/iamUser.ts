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

/** The policy of a stage's key: list and read every bucket, nothing else (put again to restore access). */
export async function grantRead(iam: IAMClient, user: string): Promise<void> {
  await iam.send(
    new PutUserPolicyCommand({
      UserName: user,
      PolicyName: READ_POLICY,
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:ListBucket", "s3:GetObject"], Resource: "*" }],
      }),
    }),
  );
}

/** The name of the inline policy {@link grantRead} puts (delete it to revoke access). */
export const READ_POLICY = "read";

/**
 * Creates an IAM user on moto (which enforces IAM) allowed to list and read every bucket and nothing
 * else, as a stage's key would be, and returns its first access key.
 */
export async function createReaderUser(iam: IAMClient, user: string): Promise<AccessKey> {
  await iam.send(new CreateUserCommand({ UserName: user }));
  await grantRead(iam, user);
  return newAccessKey(iam, user);
}
