/**
 * The Node.js lines the system supports: the LTS lines 22 and 24 (24 is what the image runs and CI tests
 * beside 20). Node 20.19+ still runs it (the development machines' own; CI keeps testing it) but reached
 * its end of life in April 2026. Kept in step with `engines` in package.json, the Dockerfile and the README.
 */
const SUPPORTED_NODE_MAJORS = [22, 24] as const;

/** A line to print at start when this Node is not a supported LTS line, or null when it is. */
export function nodeSupportWarning(version: string = process.versions.node): string | null {
  const major = Number(version.split('.')[0]);
  if ((SUPPORTED_NODE_MAJORS as readonly number[]).includes(major)) return null;
  const supported = SUPPORTED_NODE_MAJORS.join(' or ');
  if (major < SUPPORTED_NODE_MAJORS[0]) return `Node ${version} is past its end of life: it runs, but use Node ${supported} LTS`;
  return `Node ${version} is not yet a tested line: the supported ones are Node ${supported} LTS`;
}
