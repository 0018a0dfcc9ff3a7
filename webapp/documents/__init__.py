"""Official documents in the format of Nghị định 30/2020/NĐ-CP: one model, PDF and DOCX."""
