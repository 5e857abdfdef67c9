// A secure-by-default SageMaker Studio from TypeScript. `@pulumi/studio-infra` is the SDK
// `pulumi package add ../../provider` generates (into sdks/studio-infra) from the provider's
// schema; see README.md.
import * as studioInfra from "@pulumi/studio-infra";

// The whole setup: keys, VpcOnly network with endpoints, domain, roles, two users.
const studio = new studioInfra.Studio("studio", {
    network: { cidrBlock: "10.0.0.0/16", availabilityZoneCount: 2 },
    domain: { idleTimeoutMinutes: 60 },
    users: [{ name: "alice" }, { name: "bob", uid: 20001 }],
    tags: { team: "ml-platform" },
});

// A bucket for reports beside it, encrypted with a key of its own: an Output of one
// component (the key's ARN) is an input of another.
const reportKeys = new studioInfra.StudioKeys("reportKeys", {
    purposes: ["s3"],
    aliasPrefix: "studio-reports",
});
const reports = new studioInfra.SecureBucket("reports", {
    kmsKeyArn: reportKeys.keyArns.apply(arns => arns["s3"]),
    noncurrentVersionDays: 30,
});

export const domainId = studio.domainId;
export const domainUrl = studio.domainUrl;
export const reportsBucket = reports.bucketName;
