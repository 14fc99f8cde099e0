// Headless Node-RED for the bench: no editor, no HTTP nodes, flows from the bench's work directory.
module.exports = {
  flowFile: 'flows.json',
  flowFilePretty: true,
  credentialSecret: false,
  uiHost: '127.0.0.1',
  uiPort: 0,
  httpAdminRoot: false,
  httpNodeRoot: false,
  disableEditor: true,
  functionExternalModules: true,
  functionGlobalContext: {},
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  editorTheme: { projects: { enabled: false } },
};
