/** JsBarcode's Code 128 encoder module (no renderer); used by src/packages/wallet/components/Barcode.tsx. */
declare module 'jsbarcode/bin/barcodes/CODE128/CODE128_AUTO' {
  export default class CODE128AUTO {
    constructor(data: string, options: object);
    valid(): boolean;
    encode(): { data: string; text: string };
  }
}
