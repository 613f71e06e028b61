// Reading .dev.vars-style files (`NAME=value` lines) for `npm start` and `npm run demo`.

const LINE = /^[ \t]*([A-Z0-9_]+)[ \t]*=[ \t]*(.*?)[ \t]*$/gm;

/** Every `NAME=value` of the text, as an object; quotes around a value are dropped. */
export function parseDevVars(text) {
  return Object.fromEntries([...text.matchAll(LINE)].map(([, k, v]) => [k, v.replace(/^"(.*)"$/, "$1")]));
}

/**
 * How a developer's .dev.vars differs in names from .dev.vars.example: the settings it lacks
 * (added to the example since it was copied) and the names the example does not list (a typo, or
 * a setting tagrelay does not read). `wrangler dev` types the Worker's env from the names of
 * .dev.vars, so either makes it say the committed types "might be out of date".
 */
export function compareSettingNames(devVarsText, exampleText) {
  const have = new Set(Object.keys(parseDevVars(devVarsText)));
  const known = Object.keys(parseDevVars(exampleText));
  return {
    missing: known.filter((name) => !have.has(name)),
    unknown: [...have].filter((name) => !known.includes(name)),
  };
}

/** The lines appended to a .dev.vars that lacks `missing`: each blank, so it takes its default. */
export function blankSettings(missing) {
  return `\n# Added by \`npm start\`: settings this version reads; blank takes the default (README "Configuration").\n${missing.map((name) => `${name}=`).join("\n")}\n`;
}
