// Progressive enhancement of the upload form: send with XMLHttpRequest so that a
// progress bar shows the upload, then show each file's result. Without JavaScript the
// form posts normally and the report page opens.
const form = document.querySelector('[data-upload-form]');
if (form) {
  const progressBox = form.querySelector('[data-upload-progress]');
  const bar = progressBox.querySelector('progress');
  const status = progressBox.querySelector('[data-upload-status]');
  const button = form.querySelector('[data-upload-button]');

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const request = new XMLHttpRequest();
    request.open('POST', form.getAttribute('action'));
    request.setRequestHeader('Accept', 'application/json');
    progressBox.hidden = false;
    button.disabled = true;
    status.textContent = 'Uploading…';
    request.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      const percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      status.textContent = percent < 100 ? `Uploading: ${percent}%` : 'Uploaded. Checking every row…';
    });
    request.addEventListener('load', () => {
      button.disabled = false;
      let body = null;
      try { body = JSON.parse(request.responseText); } catch { body = null; }
      if (request.status >= 200 && request.status < 300 && body && body.results) {
        if (body.results.length === 1) {
          window.location.assign(body.results[0].reportUrl);
          return;
        }
        showResults(body.results);
        return;
      }
      const details = body && Array.isArray(body.details) ? ` ${body.details.map((d) => d.message).join(' ')}` : '';
      status.textContent = `${(body && body.message) || `The upload failed (${request.status}).`}${details} Nothing was imported.`;
    });
    request.addEventListener('error', () => {
      button.disabled = false;
      status.textContent = 'The connection failed before the upload finished. Nothing was imported. Try again.';
    });
    request.send(data);
  });

  function showResults(results) {
    status.textContent = `${results.length} files checked.`;
    const list = document.createElement('ul');
    list.className = 'govuk-list';
    for (const r of results) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.className = 'govuk-link';
      link.href = r.reportUrl;
      link.textContent = `${r.fileName}: ${r.status === 'imported' ? 'imported' : 'refused'}. ${r.message}`;
      item.appendChild(link);
      list.appendChild(item);
    }
    progressBox.appendChild(list);
  }
}
