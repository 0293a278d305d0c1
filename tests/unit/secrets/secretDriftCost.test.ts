/**
 * What secret drift costs a refresh: one mask-digest derivation per connection secret, and none for a
 * stage that copied its connection's secrets (its digest is the connection's, cached in the process).
 * Measured through the handlers on 500 connections and their 500 stages; the time is printed.
 */
import { connectionHandlers, connectionOutputs } from "../../../provider/resources/connection";
import { invalidateListings } from "../../../provider/resources/listings";
import { stageOutputs } from "../../../provider/resources/stage";
import { clearMaskDigestCache, maskDerivations } from "../../../provider/secrets/maskDigest";
import { secretMasksFor } from "../../../provider/secrets/secretDrift";
import { stageHandlers } from "../../../provider/resources/stage";
import { connectionFingerprint } from "../../../provider/storage/fingerprint";
import { maskLikeDatabend } from "../../../provider/storage/masking";
import { FakeSession } from "../../helpers/fakeSession";

const N = 500;

it(`refresh of ${N} connections and their ${N} stages derives one digest per connection`, async () => {
  const conns = Array.from({ length: N }, (_, i) => {
    const name = `c${i}`;
    const params = { accessKeyId: "AKIABENCH", secretAccessKey: `bench-secret-${i}-wJalrXUtnFEMI` };
    const masks = secretMasksFor("s3", params, undefined);
    const state = connectionOutputs(
      { name, storageType: "s3", params, adopt: false },
      connectionFingerprint("s3", params, name, "0011223344556677"),
      masks,
    );
    const stage = stageOutputs(
      {
        name: `s${i}`,
        url: `s3://bench/${i}/`,
        connection: { name, storageType: "s3", secretMasks: masks },
        onConnectionChange: "keep",
        forceDestroy: false,
        adopt: false,
        verify: false,
      },
      undefined,
      undefined,
      masks,
    );
    return { name, params, state, stage };
  });
  const db = new FakeSession("1.2.900")
    .respond(/^SHOW CONNECTIONS/, () =>
      conns.map((c) => ({
        name: c.name,
        storage_type: "s3",
        storage_params: `access_key_id=AK***CH secret_access_key=${maskLikeDatabend(c.params.secretAccessKey)}`,
      })),
    )
    .respond(/^SHOW STAGES/, () =>
      conns.map((c, i) => ({
        name: `s${i}`,
        stage_type: "External",
        storage_type: "s3",
        url: `s3://bench/${i}/`,
        storage_params: JSON.stringify({
          access_key_id: "***",
          bucket: "bench",
          root: `/${i}/`,
          secret_access_key: maskLikeDatabend(c.params.secretAccessKey),
          type: "S3",
        }),
        file_format_options: JSON.stringify({ type: "Parquet" }),
        comment: "",
      })),
    );
  invalidateListings();
  clearMaskDigestCache();
  const before = maskDerivations();
  const t0 = Date.now();
  const connReads = await Promise.all(
    conns.map((c) => connectionHandlers(db.factory()).read(c.name, c.state)),
  );
  const t1 = Date.now();
  const stageReads = await Promise.all(
    conns.map((c, i) => stageHandlers(db.factory()).read(`s${i}`, c.stage)),
  );
  const t2 = Date.now();
  const derived = maskDerivations() - before;
  console.log(
    `secret drift on refresh: ${N} connections ${t1 - t0} ms, ${N} stages ${t2 - t1} ms, ${derived} derivations`,
  );
  // The first reads of a kind use DESC, which this fake does not answer (they read as gone); every
  // listed connection costs one derivation, every listed stage none (its connection's is cached).
  const listed = (rs: typeof connReads) => rs.filter((r) => r.id);
  expect(listed(connReads).length).toBe(N - 2);
  expect(listed(stageReads).length).toBe(N - 2);
  connReads.forEach((r, i) => r.id && expect(r.props?.secretMasks).toEqual(conns[i]?.state.secretMasks));
  stageReads.forEach((r, i) => r.id && expect(r.props?.secretMasks).toEqual(conns[i]?.stage.secretMasks));
  expect(derived).toBe(N - 2);
  invalidateListings();
}, 120_000);
