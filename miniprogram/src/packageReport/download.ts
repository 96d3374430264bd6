/**
 * Saving an XLSX the functions return inline (base64). weapp: written to the user data folder
 * and opened with wx.openDocument (the user can forward or save it from there). H5: a Blob
 * download. No cloud storage is involved, so it works the same on Cloudbase and locally.
 */
import Taro from '@tarojs/taro';
import type { XlsxFile } from '@dinghuo/shared/reportApi';

export async function saveXlsx(file: XlsxFile): Promise<void> {
  if (process.env.TARO_ENV === 'h5') {
    const bin = atob(file.base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const url = URL.createObjectURL(new Blob([bytes], { type: file.contentType }));
    const a = document.createElement('a');
    a.href = url;
    a.download = file.fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return;
  }
  const filePath = `${Taro.env.USER_DATA_PATH}/${file.fileName}`;
  await new Promise<void>((resolve, reject) =>
    Taro.getFileSystemManager().writeFile({ filePath, data: file.base64, encoding: 'base64', success: () => resolve(), fail: reject }),
  );
  await Taro.openDocument({ filePath, fileType: 'xlsx', showMenu: true });
}
