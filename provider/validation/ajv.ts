import Ajv2019 from "ajv/dist/2019";

/**
 * The one ajv instance: strict (unknown keywords are errors), all errors reported (inputs are small
 * and trusted to be the user's own), and verbose so messages can use each rule's description.
 */
export const ajv = new Ajv2019({ allErrors: true, strict: true, verbose: true });
