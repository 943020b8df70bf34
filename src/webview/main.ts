// Browser code for the experiment panels (a later issue). Kept so the webview bundle and its lint rules exist.
export {};
