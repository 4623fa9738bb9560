'use strict';
// The entry point cdk8s-cli loads for the `validations:` entry in cdk8s.yaml. cdk8s-cli require()s
// validation plugins, but this project is ESM TypeScript run by tsx without a build step: this CommonJS
// shim exports the class cdk8s-cli instantiates and loads the real implementation
// (validation-plugin.ts) through tsx's scoped importer on first use.
const { pathToFileURL } = require('node:url');

/** See validation-plugin.ts. cdk8s-cli calls `new DeliveryValidation(properties)`, then `validate(context)`. */
class DeliveryValidation {
  constructor(properties) {
    this.properties = properties ?? {};
  }

  async validate(context) {
    const { tsImport } = await import('tsx/esm/api');
    const plugin = await tsImport('./validation-plugin.ts', pathToFileURL(__filename).href);
    await new plugin.DeliveryValidation(this.properties).validate(context);
  }
}

module.exports = { DeliveryValidation };
