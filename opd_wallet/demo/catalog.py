"""Fixed reference data the demo generator draws from: specialties, cities, clinic brands and names."""

from typing import NamedTuple

DEMO_PASSWORD = "opd-demo-2025"  # every demo login; a demo value, never used outside load_demo_data


class DemoLogin(NamedTuple):
    role: str
    email: str
    where: str


DEMO_LOGINS = (
    DemoLogin("Member (John Doe, USR001)", "member@example.com", "POST /api/v1/auth/token"),
    DemoLogin("Doctor (Dr. Vikas Mittal, DOC001)", "dr.vikas@example.com", "/auth/doctor/login"),
    DemoLogin("Doctor (Dr. Priya Sharma, DOC003)", "dr.priya@example.com", "/auth/doctor/login"),
    DemoLogin("ADMIN (full rights)", "admin@example.com", "/admin/"),
    DemoLogin("OPERATIONS (view all; change prescriptions and consultations)", "ops@example.com", "/admin/"),
)

# Staff accounts of the demo (the seed's members and doctors come from seed_samples.json).
DEMO_STAFF = (
    {"email": "admin@example.com", "name": "Anita Admin", "role": "ADMIN", "phone": "+919800000001"},
    {"email": "ops@example.com", "name": "Omkar Operations", "role": "OPERATIONS", "phone": "+919800000002"},
)

# (specialtyId, code, name, description, icon, specializations a doctor of it lists, fee range in rupees)
SPECIALTIES = (
    ("SPEC001", "GP", "General Physician", "Fever, infections, lifestyle conditions and everyday health concerns.",
     "stethoscope", ("Internal Medicine", "Diabetology", "Infectious Diseases", "Preventive Health"), (300, 1000)),
    ("SPEC002", "PED", "Pediatrician", "Children's health, growth and vaccinations.",
     "baby", ("Pediatrics", "Neonatology", "Child Nutrition", "Vaccination"), (400, 1000)),
    ("SPEC003", "GYN", "Gynecologist", "Women's health, pregnancy and fertility.",
     "female", ("Obstetrics", "Gynecology", "Infertility", "High-risk Pregnancy"), (500, 1500)),
    ("SPEC004", "DERM", "Dermatologist", "Skin, hair and nail conditions.",
     "skin", ("Dermatology", "Cosmetology", "Hair Transplant", "Trichology"), (500, 1500)),
    ("SPEC005", "CARD", "Cardiologist", "Heart and blood vessel conditions.",
     "heart", ("Interventional Cardiology", "Echocardiography", "Heart Failure", "Preventive Cardiology"),
     (800, 2000)),
    ("SPEC006", "ORTH", "Orthopedic Surgeon", "Bones, joints, sports injuries and spine.",
     "bone", ("Joint Replacement", "Sports Medicine", "Spine Surgery", "Arthroscopy"), (600, 1500)),
    ("SPEC007", "ENT", "ENT Specialist", "Ear, nose and throat.",
     "ear", ("Otology", "Rhinology", "Head and Neck Surgery", "Voice Disorders"), (500, 1200)),
    ("SPEC008", "OPH", "Ophthalmologist", "Eyes and vision.",
     "eye", ("Cataract Surgery", "Retina", "Glaucoma", "LASIK"), (500, 1200)),
    ("SPEC009", "PSY", "Psychiatrist", "Mental health, sleep and addiction.",
     "brain", ("Adult Psychiatry", "Child Psychiatry", "De-addiction", "Sleep Medicine"), (800, 2000)),
    ("SPEC010", "DENT", "Dentist", "Teeth and gums.",
     "tooth", ("Endodontics", "Orthodontics", "Implantology", "Pediatric Dentistry"), (300, 800)),
    ("SPEC011", "NEURO", "Neurologist", "Brain, nerves, headaches and seizures.",
     "neuron", ("Epilepsy", "Stroke", "Headache Medicine", "Movement Disorders"), (800, 2000)),
    ("SPEC012", "GASTRO", "Gastroenterologist", "Stomach, liver and digestion.",
     "stomach", ("Hepatology", "Endoscopy", "Inflammatory Bowel Disease", "Pancreatology"), (700, 1800)),
    ("SPEC013", "PULM", "Pulmonologist", "Lungs, asthma and breathing.",
     "lungs", ("Pulmonary Medicine", "Asthma and Allergy", "Sleep Apnea", "Interventional Pulmonology"),
     (600, 1500)),
    ("SPEC014", "ENDO", "Endocrinologist", "Diabetes, thyroid and hormones.",
     "thyroid", ("Diabetes", "Thyroid Disorders", "Obesity", "PCOS"), (700, 1800)),
    ("SPEC015", "URO", "Urologist", "Kidney stones, prostate and urinary tract.",
     "kidney", ("Endourology", "Andrology", "Uro-oncology", "Kidney Stones"), (700, 1500)),
    ("SPEC016", "NEPH", "Nephrologist", "Kidney function and dialysis.",
     "kidney", ("Dialysis", "Kidney Transplant", "Hypertension", "Glomerular Diseases"), (700, 1800)),
    ("SPEC017", "ONC", "Oncologist", "Cancer diagnosis and treatment.",
     "ribbon", ("Medical Oncology", "Radiation Oncology", "Surgical Oncology", "Hemato-oncology"), (1000, 2500)),
    ("SPEC018", "PHYSIO", "Physiotherapist", "Rehabilitation, pain and mobility.",
     "walk", ("Sports Physiotherapy", "Neuro Rehabilitation", "Back Pain", "Post-surgical Rehab"), (300, 800)),
    ("SPEC019", "DIET", "Dietitian", "Nutrition plans and weight management.",
     "apple", ("Clinical Nutrition", "Weight Management", "Diabetic Diet", "Sports Nutrition"), (300, 800)),
    ("SPEC020", "HOMEO", "Homeopath", "Homeopathic consultation.",
     "leaf", ("Classical Homeopathy", "Chronic Disease", "Allergy", "Skin Conditions"), (200, 600)),
)

QUALIFICATIONS = {
    "SPEC001": ("MBBS", "MBBS, MD (General Medicine)", "MBBS, DNB (Family Medicine)"),
    "SPEC002": ("MBBS, MD (Pediatrics)", "MBBS, DCH", "MBBS, DNB (Pediatrics)"),
    "SPEC003": ("MBBS, MS (Obstetrics & Gynecology)", "MBBS, DGO", "MBBS, DNB (OBG)"),
    "SPEC004": ("MBBS, MD (Dermatology)", "MBBS, DDVL"),
    "SPEC005": ("MBBS, MD, DM (Cardiology)", "MBBS, DNB (Cardiology)"),
    "SPEC006": ("MBBS, MS (Orthopaedics)", "MBBS, D.Ortho"),
    "SPEC007": ("MBBS, MS (ENT)", "MBBS, DLO"),
    "SPEC008": ("MBBS, MS (Ophthalmology)", "MBBS, DOMS"),
    "SPEC009": ("MBBS, MD (Psychiatry)", "MBBS, DPM"),
    "SPEC010": ("BDS", "BDS, MDS (Endodontics)", "BDS, MDS (Orthodontics)"),
    "SPEC011": ("MBBS, MD, DM (Neurology)",),
    "SPEC012": ("MBBS, MD, DM (Gastroenterology)",),
    "SPEC013": ("MBBS, MD (Pulmonary Medicine)", "MBBS, DTCD"),
    "SPEC014": ("MBBS, MD, DM (Endocrinology)",),
    "SPEC015": ("MBBS, MS, MCh (Urology)",),
    "SPEC016": ("MBBS, MD, DM (Nephrology)",),
    "SPEC017": ("MBBS, MD, DM (Medical Oncology)",),
    "SPEC018": ("BPT", "MPT (Sports)", "MPT (Neurology)"),
    "SPEC019": ("MSc (Clinical Nutrition)", "BSc, PG Diploma (Dietetics)"),
    "SPEC020": ("BHMS", "BHMS, MD (Homeopathy)"),
}


class City(NamedTuple):
    name: str
    state: str
    latitude: float
    longitude: float
    pincode_prefix: str
    phone_code: str
    areas: tuple[str, ...]
    languages: tuple[str, ...]


CITIES = (
    City("Delhi (NCR)", "Delhi", 28.6139, 77.2090, "110", "11",
         ("Dwarka", "Saket", "Rohini", "Karol Bagh", "Lajpat Nagar", "Janakpuri", "Preet Vihar", "Vasant Kunj"),
         ("Hindi", "Punjabi")),
    City("Mumbai", "Maharashtra", 19.0760, 72.8777, "400", "22",
         ("Andheri West", "Bandra", "Powai", "Chembur", "Malad", "Dadar", "Colaba"), ("Marathi", "Hindi")),
    City("Bengaluru", "Karnataka", 12.9716, 77.5946, "560", "80",
         ("Koramangala", "Indiranagar", "Whitefield", "Jayanagar", "HSR Layout", "Malleshwaram"),
         ("Kannada", "Tamil", "Hindi")),
    City("Hyderabad", "Telangana", 17.3850, 78.4867, "500", "40",
         ("Banjara Hills", "Gachibowli", "Kukatpally", "Secunderabad", "Madhapur"), ("Telugu", "Hindi", "Urdu")),
    City("Chennai", "Tamil Nadu", 13.0827, 80.2707, "600", "44",
         ("T. Nagar", "Adyar", "Anna Nagar", "Velachery", "Mylapore"), ("Tamil",)),
    City("Pune", "Maharashtra", 18.5204, 73.8567, "411", "20",
         ("Kothrud", "Baner", "Viman Nagar", "Hadapsar", "Aundh"), ("Marathi", "Hindi")),
    City("Kolkata", "West Bengal", 22.5726, 88.3639, "700", "33",
         ("Salt Lake", "Park Street", "Ballygunge", "New Town", "Behala"), ("Bengali", "Hindi")),
    City("Ahmedabad", "Gujarat", 23.0225, 72.5714, "380", "79",
         ("Navrangpura", "Satellite", "Bopal", "Maninagar"), ("Gujarati", "Hindi")),
    City("Jaipur", "Rajasthan", 26.9124, 75.7873, "302", "141",
         ("Malviya Nagar", "Vaishali Nagar", "C-Scheme", "Mansarovar"), ("Hindi", "Rajasthani")),
    City("Lucknow", "Uttar Pradesh", 26.8467, 80.9462, "226", "522",
         ("Gomti Nagar", "Hazratganj", "Aliganj", "Indira Nagar"), ("Hindi", "Urdu")),
    City("Chandigarh", "Chandigarh", 30.7333, 76.7794, "160", "172",
         ("Sector 17", "Sector 22", "Sector 35", "Sector 44"), ("Punjabi", "Hindi")),
    City("Kochi", "Kerala", 9.9312, 76.2673, "682", "484",
         ("Kakkanad", "Edappally", "Vyttila", "Fort Kochi"), ("Malayalam",)),
)

CLINIC_BRANDS = (
    "Apollo Clinic", "Fortis Hospital", "Max Healthcare", "Manipal Hospital", "Narayana Health",
    "Medanta Clinic", "CARE Hospitals", "Aster Clinic", "Columbia Asia", "Sparsh Clinic",
    "Motherhood Hospital", "City Care Clinic", "LifeLine Polyclinic", "Sanjeevani Clinic", "Wellness Point",
)
STREETS = ("Main Road", "Ring Road", "Station Road", "MG Road", "Park Avenue", "Hospital Road", "Link Road")
FACILITIES = (
    "Emergency", "ICU", "Laboratory", "Pharmacy", "Radiology", "Physiotherapy", "Dental", "Vaccination",
    "Diagnostics", "Day Care", "Ambulance",
)
INSURERS = ("MCLTech", "Star Health", "HDFC ERGO", "ICICI Lombard", "Niva Bupa", "Care Health", "Tata AIG")

FIRST_NAMES = (
    "Aarav", "Vivaan", "Aditya", "Vihaan", "Arjun", "Sai", "Reyansh", "Krishna", "Ishaan", "Rohan",
    "Ananya", "Diya", "Aadhya", "Saanvi", "Kavya", "Isha", "Meera", "Priya", "Neha", "Pooja",
    "Rahul", "Amit", "Suresh", "Ramesh", "Vikram", "Sanjay", "Deepak", "Anil", "Manoj", "Karthik",
    "Lakshmi", "Sunita", "Anjali", "Divya", "Shreya", "Nandini", "Swati", "Rekha", "Farah", "Zoya",
    "Imran", "Arif", "Joseph", "Thomas", "Gurpreet", "Harpreet", "Venkat", "Srinivas", "Subhash", "Tanvi",
)
LAST_NAMES = (
    "Sharma", "Verma", "Gupta", "Mehta", "Iyer", "Nair", "Reddy", "Rao", "Patel", "Shah",
    "Singh", "Kaur", "Das", "Banerjee", "Chatterjee", "Mukherjee", "Joshi", "Kulkarni", "Deshpande", "Menon",
    "Pillai", "Khan", "Ahmed", "Fernandes", "D'Souza", "Agarwal", "Bansal", "Malhotra", "Kapoor", "Chopra",
    "Saxena", "Tiwari", "Mishra", "Pandey", "Yadav", "Naidu", "Hegde", "Bhat", "Ghosh", "Sen",
)
DIAGNOSES = (
    "Viral fever", "Acute gastritis", "Seasonal allergic rhinitis", "Lower back strain", "Type 2 diabetes review",
    "Hypertension follow-up", "Migraine", "Acne vulgaris", "Iron deficiency anaemia", "Sinusitis",
)
